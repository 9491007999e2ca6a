import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'
import { isUntrusted } from 'weftjs/data'
import { withServer } from '../helpers/server.ts'

// Which parsed inputs carry the untrusted mark weftjs/data checks: every source a
// client controls, whenever it holds a "$" key however spelled; and ctx.req.json(),
// documented as unguarded, does not.
describe('inputs a client controls are marked untrusted when they hold a "$" key', () => {
  test('bodies, forms, query strings, headers and cookies; not ctx.req.json()', async () => {
    const app = weft({ logger: false })
    app.post('/body', async (ctx) => {
      const body = (await ctx.parseBody()) as Record<string, unknown>
      return { whole: isUntrusted(body), inner: isUntrusted(body.password) }
    })
    app.post('/raw', async (ctx) => ({ whole: isUntrusted(await ctx.req.json()) }))
    app.get('/sources', (ctx) => ({
      query: isUntrusted(ctx.query),
      headers: isUntrusted(ctx.headers),
      cookies: isUntrusted(ctx.cookies.all()),
    }))
    await withServer(app, async ({ url }) => {
      const post = (path: string, body: string, type = 'application/json') =>
        fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type }, body }).then((r) =>
          r.json(),
        )
      for (const key of ['$ne', '\\u0024ne', '\\u0024\\u006ee', '\\u0024NE']) {
        assert.deepEqual(
          await post('/body', `{"password":{"${key}":null}}`),
          { whole: true, inner: true },
          key,
        )
      }
      assert.deepEqual(await post('/body', '{"password":"plain"}'), { whole: false, inner: false })
      assert.deepEqual(await post('/body', '$or=1', 'application/x-www-form-urlencoded'), {
        whole: true,
        inner: false,
      })
      assert.deepEqual(await post('/raw', '{"password":{"\\u0024ne":null}}'), { whole: false })
      const marked = await fetch(`${url}/sources?%24where=1`, { headers: { $h: '1', cookie: '$or=1' } })
      assert.deepEqual(await marked.json(), { query: true, headers: true, cookies: true })
      const plain = await fetch(`${url}/sources?a=1`, { headers: { cookie: 'a=1' } })
      assert.deepEqual(await plain.json(), { query: false, headers: false, cookies: false })
    })
  })
})
