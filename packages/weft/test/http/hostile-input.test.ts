import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weft'
import { rawRequest, statusOf, withServer } from '../helpers/server.ts'

describe('hostile input gets a clear answer and the process stays up', () => {
  const app = weft({ logger: false, dev: false, limits: { headersTimeout: 500, requestTimeout: 1000 } })
  app.post('/merge', async (ctx) => {
    const merged = Object.assign({}, await ctx.parseBody())
    return { polluted: ({} as Record<string, unknown>).polluted ?? null, keys: Object.keys(merged) }
  })
  app.get('/echo', (ctx) => {
    ctx.header('x-echo', String(ctx.query.v))
    return 'echoed'
  })
  app.get('/go', (ctx) => ctx.redirect(String(ctx.query.to)))
  app.get('/query', (ctx) => ({
    keys: Object.keys(ctx.query),
    polluted: ({} as Record<string, unknown>).polluted ?? null,
  }))
  app.get('/ok', () => 'ok')

  test('JSON that would pollute prototypes is refused with 400', async () => {
    await withServer(app, async ({ url }) => {
      const bodies = [
        '{"__proto__":{"polluted":true}}',
        '{"a":{"constructor":{"prototype":{"polluted":true}}}}',
        '{"\\u005f_proto__":{"polluted":true}}',
        '[{"nested":{"__proto__":{"polluted":true}}}]',
      ]
      for (const body of bodies) {
        const res = await fetch(`${url}/merge`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        })
        assert.equal(res.status, 400, body)
        assert.equal((await res.json()).code, 'WEFT_PROTOTYPE_POLLUTION')
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined)
      const fine = await fetch(`${url}/merge`, {
        method: 'POST',
        body: '{"constructor":"a plain value is fine"}',
        headers: { 'content-type': 'application/json' },
      })
      assert.equal(fine.status, 200)
    })
  })

  test('forms and query strings cannot reach Object.prototype', async () => {
    await withServer(app, async ({ url }) => {
      const form = await fetch(`${url}/merge`, {
        method: 'POST',
        body: '__proto__=x&constructor=y',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      assert.deepEqual(await form.json(), { polluted: null, keys: ['constructor'] })
      const query = await fetch(`${url}/query?__proto__=1&a=2`)
      assert.deepEqual(await query.json(), { keys: ['__proto__', 'a'], polluted: null })
    })
  })

  test('bad percent-encoding in the path or query answers 400', async () => {
    await withServer(app, async (server) => {
      assert.equal((await fetch(`${server.url}/ok%E0%A4%A`)).status, 400)
      assert.equal((await fetch(`${server.url}/query?a=%ZZ`)).status, 400)
      const raw = await rawRequest(server, 'GET /%C0%AF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.equal(statusOf(raw), 400)
    })
  })

  test('a header value with CR/LF is refused with 500: nothing is injected', async () => {
    await withServer(app, async (server) => {
      const raw = await rawRequest(
        server,
        'GET /echo?v=a%0D%0ASet-Cookie:%20evil=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      )
      assert.equal(statusOf(raw), 500)
      assert.doesNotMatch(raw, /evil/i)
      assert.doesNotMatch(raw, /^x-echo:/im)
      const redirect = await fetch(`${server.url}/go?to=%2Fa%0D%0AX-Evil:%201`, { redirect: 'manual' })
      assert.equal(redirect.status, 500)
      assert.equal(redirect.headers.get('x-evil'), null)
    })
  })

  test('more than 100 headers answers 431; an oversize head is refused by the server', async () => {
    await withServer(app, async (server) => {
      const headers = Array.from({ length: 120 }, (_, i) => `x-h${i}: ${i}\r\n`).join('')
      const raw = await rawRequest(
        server,
        `GET /ok HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`,
      )
      assert.equal(statusOf(raw), 431)
      const huge = await rawRequest(
        server,
        `GET /ok HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
      )
      assert.equal(statusOf(huge), 431)
    })
  })

  test('a client that never finishes its headers or body is timed out with 408', async () => {
    await withServer(app, async (server) => {
      const slowHead = await rawRequest(server, 'GET /ok HTTP/1.1\r\nHost: x\r\n', 4000)
      assert.equal(statusOf(slowHead), 408)
      const slowBody = await rawRequest(
        server,
        'POST /merge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a"',
        4000,
      )
      assert.equal(statusOf(slowBody), 408)
    })
  })

  test('garbage, aborted uploads and broken requests never take the process down', async () => {
    await withServer(app, async (server) => {
      assert.equal(statusOf(await rawRequest(server, 'NOT HTTP AT ALL\r\n\r\n')), 400)
      assert.equal(
        statusOf(await rawRequest(server, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n')),
        400,
      )
      await rawRequest(
        server,
        'POST /merge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"a',
        100,
      )
      const res = await fetch(`${server.url}/ok`)
      assert.equal(await res.text(), 'ok')
    })
  })
})
