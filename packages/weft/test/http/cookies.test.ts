import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weft'
import { withServer } from '../helpers/server.ts'

describe('cookies', () => {
  const app = weft({ logger: false })
  app.get('/read', (ctx) => ({ theme: ctx.cookies.get('theme') ?? null, all: ctx.cookies.all() }))
  app.get('/login', (ctx) => {
    ctx.cookies.set('session', 'a b;c')
    ctx.cookies.set('prefs', 'dark', { httpOnly: false, maxAge: 3600, sameSite: 'Strict' })
    return 'ok'
  })
  app.get('/logout', (ctx) => {
    ctx.cookies.delete('session')
    return 'bye'
  })
  app.get('/bad', (ctx) => {
    ctx.cookies.set('bad name', 'x')
  })

  test('request cookies are parsed and decoded', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/read`, { headers: { cookie: 'theme=dark; lang=en%20GB; theme=light' } })
      assert.deepEqual(await res.json(), { theme: 'dark', all: { theme: 'dark', lang: 'en GB' } })
    })
  })

  test('set cookies are HttpOnly, SameSite=Lax, Path=/ by default, values encoded', async () => {
    await withServer(app, async ({ url }) => {
      const cookies = (await fetch(`${url}/login`)).headers.getSetCookie()
      assert.deepEqual(cookies, [
        'session=a%20b%3Bc; Path=/; HttpOnly; SameSite=Lax',
        'prefs=dark; Path=/; Max-Age=3600; SameSite=Strict',
      ])
      const cleared = (await fetch(`${url}/logout`)).headers.getSetCookie()
      assert.match(
        cleared[0],
        /^session=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly/,
      )
    })
  })

  test('cookies are Secure when the request came over https', async () => {
    const res = await app.request(new Request('https://example.test/login'))
    for (const cookie of res.headers.getSetCookie()) assert.match(cookie, /; Secure/)
  })

  test('an invalid cookie name is an error, not a broken header', async () => {
    const res = await app.request('/bad')
    assert.equal(res.status, 500)
    assert.equal(res.headers.get('set-cookie'), null)
  })
})
