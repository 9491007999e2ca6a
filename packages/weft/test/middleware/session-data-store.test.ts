import assert from 'node:assert/strict'
import { test } from 'node:test'
import { weft } from 'weftjs'
import { connect } from 'weftjs/data'
import { dataSessionStore, type SessionCollection, session, sessionOf } from 'weftjs/session'
import { withServer } from '../helpers/server.ts'

test('sessions in a weftjs/data collection (SQLite): stored at login, rotated, deleted at logout, expired ones ignored', async () => {
  const db = await connect('sqlite::memory:')
  const sessions = db.collection('sessions') as unknown as SessionCollection & {
    countDocuments(filter?: object): Promise<number>
    updateMany(filter: object, update: object): Promise<unknown>
  }
  const app = weft({ logger: false })
  app.use(
    session({
      secret: 'a test secret that is long enough, 32+',
      store: dataSessionStore(sessions),
      maxAge: 60,
    }),
  )
  app.get('/me', (ctx) => ({ user: sessionOf(ctx).get('user') ?? null }))
  app.post('/login', (ctx) => {
    sessionOf(ctx).regenerate()
    sessionOf(ctx).set('user', 'ann')
    return 'in'
  })
  app.post('/logout', (ctx) => {
    sessionOf(ctx).destroy()
    return 'out'
  })
  const cookieOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
  try {
    await withServer(app, async ({ url }) => {
      assert.equal(cookieOf(await fetch(`${url}/me`)), '', 'a session never written sets no cookie')
      assert.equal(await sessions.countDocuments(), 0)
      const login = await fetch(`${url}/login`, { method: 'POST' })
      await login.text()
      const cookie = cookieOf(login)
      assert.equal(await sessions.countDocuments(), 1)
      assert.deepEqual(await (await fetch(`${url}/me`, { headers: { cookie } })).json(), { user: 'ann' })

      await sessions.updateMany({}, { $set: { expires: Date.now() - 1 } })
      assert.deepEqual(
        await (await fetch(`${url}/me`, { headers: { cookie } })).json(),
        { user: null },
        'expired',
      )

      const again = await fetch(`${url}/login`, { method: 'POST' })
      await again.text()
      const fresh = cookieOf(again)
      assert.equal(await sessions.countDocuments(), 1)
      const logout = await fetch(`${url}/logout`, { method: 'POST', headers: { cookie: fresh } })
      await logout.text()
      assert.match(logout.headers.getSetCookie().join(), /Max-Age=0/)
      assert.equal(await sessions.countDocuments(), 0)
    })
  } finally {
    await db.close()
  }
})
