import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { weft } from 'weftjs'
import { csrf } from 'weftjs/csrf'
import { rateLimit, redisStore } from 'weftjs/rate-limit'
import { memorySessionStore, redisSessionStore, type SessionStore, session, sessionOf } from 'weftjs/session'
import { withServer } from '../helpers/server.ts'
import { type RedisEnv, redisEnv } from './redis-env.ts'

const SECRET = 'a test secret that is long enough, 32+'
let redis: RedisEnv | string
before(async () => {
  redis = await redisEnv('web')
})
after(async () => {
  if (typeof redis !== 'string') await redis.close()
})

describe('rate-limit with the Redis store', () => {
  test('two instances share one count: the limit holds across them (node-redis client)', async (t) => {
    if (typeof redis === 'string') return t.skip(redis)
    const { client, prefix } = redis
    const make = () => {
      const app = weft({ logger: false })
      app.use(
        rateLimit({ windowMs: 60_000, limit: 4, store: redisStore({ client, prefix: `${prefix}rl:` }) }),
      )
      app.get('/', () => 'ok')
      return app
    }
    await withServer(make(), (a) =>
      withServer(make(), async (b) => {
        const statuses: number[] = []
        for (const server of [a, b, a, b, a]) {
          const res = await fetch(server.url)
          statuses.push(res.status)
          await res.text()
        }
        assert.deepEqual(statuses, [200, 200, 200, 200, 429])
      }),
    )
  })

  test('sliding window: the previous window still counts right after the boundary', async (t) => {
    if (typeof redis === 'string') return t.skip(redis)
    const windowMs = 1000
    // Start just after a window boundary so the requests land in one window.
    await new Promise((r) => setTimeout(r, windowMs - (Date.now() % windowMs) + 20))
    const make = (algorithm: 'fixed' | 'sliding') => {
      const app = weft({ logger: false })
      const store = redisStore({
        client: (redis as RedisEnv).client,
        prefix: `${(redis as RedisEnv).prefix}${algorithm}:`,
      })
      app.use(rateLimit({ windowMs, limit: 3, algorithm, store, key: () => 'one' }))
      app.get('/', () => 'ok')
      return app
    }
    await withServer(make('fixed'), (fixed) =>
      withServer(make('sliding'), async (sliding) => {
        for (let i = 0; i < 3; i++) {
          await (await fetch(fixed.url)).text()
          await (await fetch(sliding.url)).text()
        }
        // Just past the boundary: the fixed window has reset; the sliding one still counts
        // nearly all of the previous window's 3 hits beside this one.
        await new Promise((r) => setTimeout(r, windowMs - (Date.now() % windowMs) + 50))
        const afterFixed = await fetch(fixed.url)
        const afterSliding = await fetch(sliding.url)
        assert.equal(afterFixed.status, 200)
        assert.equal(afterSliding.status, 429)
        await afterFixed.text()
        await afterSliding.text()
      }),
    )
  })
})

function sessionApp(store: SessionStore) {
  const app = weft({ logger: false })
  app.use(session({ secret: SECRET, store }))
  app.use(csrf())
  app.get('/me', (ctx) => ({ user: sessionOf(ctx).get('user') ?? null, token: ctx.state.csrfToken }))
  app.post('/login', (ctx) => {
    sessionOf(ctx).regenerate()
    sessionOf(ctx).set('user', 'ann')
    return 'in'
  })
  return app
}

const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')

/** The session id inside a signed cookie (`base64url(id).signature`). */
const idOf = (cookie: string) =>
  Buffer.from(/weft\.session=([^.]+)\./.exec(cookie)![1], 'base64url').toString()

async function fixationCheck(store: SessionStore, isStored: (id: string) => Promise<boolean>) {
  await withServer(sessionApp(store), async ({ url }) => {
    const first = await fetch(`${url}/me`)
    const planted = cookieOf(first)
    const { token } = await first.json()
    assert.match(planted, /^weft\.session=/)
    assert.ok(await isStored(idOf(planted)))
    const login = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { cookie: planted, 'x-csrf-token': token },
    })
    assert.equal(login.status, 200)
    await login.text()
    const rotated = cookieOf(login)
    assert.notEqual(idOf(rotated), idOf(planted))
    assert.equal(await isStored(idOf(planted)), false, 'the id from before login is deleted')
    assert.ok(await isStored(idOf(rotated)))
    assert.equal((await (await fetch(`${url}/me`, { headers: { cookie: rotated } })).json()).user, 'ann')
    // The id from before login is gone from the store: whoever planted it has nothing.
    assert.equal((await (await fetch(`${url}/me`, { headers: { cookie: planted } })).json()).user, null)
    const forged = planted.replace(/=.{8}/, '=AAAAAAAA')
    assert.equal((await (await fetch(`${url}/me`, { headers: { cookie: forged } })).json()).user, null)
  })
}

describe('server-side sessions: the cookie holds a signed id, login rotates it', () => {
  test('Redis store: the id planted before login is destroyed at login (session fixation)', async (t) => {
    if (typeof redis === 'string') return t.skip(redis)
    const { client, prefix } = redis
    const store = redisSessionStore({ client, prefix: `${prefix}sess:` })
    await fixationCheck(store, async (id) => (await client.exists(`${prefix}sess:${id}`)) === 1)
  })

  test('memory store: the same rotation', async () => {
    const base = memorySessionStore()
    const ids = new Set<string>()
    const store: SessionStore = {
      get: (id) => base.get(id),
      set: (id, data, ttl) => {
        ids.add(id)
        return base.set(id, data, ttl)
      },
      destroy: (id) => {
        ids.delete(id)
        return base.destroy(id)
      },
    }
    await fixationCheck(store, async (id) => ids.has(id))
  })
})
