// The OWASP ASVS level 1 defaults of docs/security.md that no other test proves on its
// own: what a crash logs, what every answer says about the server, that every answer
// names its type and charset, and that a repeated parameter cannot slip past a schema.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { describe, test } from 'node:test'
import { type Logger, weft } from 'weftjs'
import { z } from 'zod'
import { withServer } from '../helpers/server.ts'

function recordingLogger() {
  const entries: string[] = []
  const record = (fields: object, message?: string) => entries.push(JSON.stringify({ fields, message }))
  const logger: Logger = { error: record, warn: record, info: record, debug: record }
  return { logger, entries }
}

/** Raw headers as the socket saw them, with node:http. */
function headersOf(port: number, path: string, method = 'GET') {
  return new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
    request({ port, host: '127.0.0.1', path, method, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.headers))
    })
      .on('error', reject)
      .end()
  })
}

describe('ASVS level 1 defaults', () => {
  test('V7: a crash answers a generic 500 and logs method and path, never the query, headers or body', async () => {
    const { logger, entries } = recordingLogger()
    const app = weft({ logger, dev: false })
    app.post('/pay', async (ctx) => {
      await ctx.parseBody()
      throw new Error('card declined by 10.0.0.7')
    })
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/pay?token=query-secret`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer header-secret',
          cookie: 'sid=cookie-secret',
          'content-type': 'application/json',
        },
        body: '{"card":"body-secret"}',
      })
      assert.equal(res.status, 500)
      const answer = await res.text()
      assert.doesNotMatch(answer, /card declined|10\.0\.0\.7|at |secret/)
      assert.equal(entries.length, 1)
      assert.match(entries[0], /"method":"POST"/)
      assert.match(entries[0], /"path":"\/pay"/)
      assert.match(entries[0], /card declined/, 'the cause is logged for the operator')
      assert.doesNotMatch(entries[0], /query-secret|header-secret|cookie-secret|body-secret/)
    })
  })

  test('V14: no header names the framework or its version', async () => {
    const app = weft({ logger: false })
    app.get('/', () => 'hi')
    await withServer(app, async ({ port }) => {
      for (const path of ['/', '/missing']) {
        const headers = await headersOf(port, path)
        assert.equal(headers['x-powered-by'], undefined)
        assert.equal(headers.server, undefined)
        assert.doesNotMatch(JSON.stringify(headers), /weft|node|v\d+\.\d+/i)
      }
    })
  })

  test('V14: every answer names its content type and charset, errors included', async () => {
    const app = weft({ logger: false, limits: { bodySize: 10 } })
    app.get('/json', () => ({ a: 1 }))
    app.get('/text', () => 'plain')
    app.get('/html', (ctx) => ctx.html('<p>hi</p>'))
    app.post('/echo', async (ctx) => ctx.parseBody())
    await withServer(app, async ({ url }) => {
      const answers = [
        await fetch(`${url}/json`),
        await fetch(`${url}/text`),
        await fetch(`${url}/html`),
        await fetch(`${url}/missing`),
        await fetch(`${url}/json`, { method: 'DELETE' }),
        await fetch(`${url}/echo`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{',
        }),
        await fetch(`${url}/echo`, { method: 'POST', body: 'far more than ten bytes' }),
      ]
      assert.deepEqual(
        answers.map((res) => res.status),
        [200, 200, 200, 404, 405, 400, 413],
      )
      for (const res of answers) {
        const type = res.headers.get('content-type') ?? ''
        if (res.status >= 400) assert.equal(type, 'application/problem+json', `${res.status}`)
        else assert.match(type, /; charset=utf-8$/, `${res.url}: ${type}`)
      }
    })
  })

  test('V5: a parameter sent twice cannot pass a schema that expects one string', async () => {
    const app = weft({ logger: false })
    app.get('/search', { query: z.object({ q: z.string() }) }, (ctx) => ({ q: ctx.query.q }))
    await withServer(app, async ({ url }) => {
      assert.deepEqual(await (await fetch(`${url}/search?q=a`)).json(), { q: 'a' })
      const polluted = await fetch(`${url}/search?q=a&q=b`)
      assert.equal(polluted.status, 422)
      assert.equal(polluted.headers.get('content-type'), 'application/problem+json')
    })
  })
})
