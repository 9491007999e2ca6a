import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { describe, test } from 'node:test'
import { weft } from 'weft'
import { withServer } from '../helpers/server.ts'

describe('handler results become responses', () => {
  const app = weft({ logger: false })
  app.get('/object', () => ({ a: 1, list: [1, 2] }))
  app.get('/array', () => [1, 'two'])
  app.get('/string', () => 'plain')
  app.get('/bytes', () => new Uint8Array([1, 2, 3]))
  app.get('/stream', () => new Blob(['chunk one, ', 'chunk two']).stream())
  app.get('/response', () => new Response('as is', { status: 202, headers: { 'x-own': '1' } }))
  app.get('/nothing', () => undefined)
  app.get('/async', async () => ({ later: true }))
  app.get('/created', (ctx) => ctx.json({ ok: true }, 201))
  app.get('/html', (ctx) => ctx.html('<h1>hi</h1>'))
  app.get('/text', (ctx) => ctx.text('t', 418))
  app.get('/status-only', (ctx) => {
    ctx.status(202)
  })
  app.get('/redirect', (ctx) => ctx.redirect('/object', 301))
  app.get('/header', (ctx) => {
    ctx.header('x-one', 'a').header('x-list', 'b', { append: true }).header('x-list', 'c', { append: true })
    return 'h'
  })
  app.get('/query', (ctx) => ctx.query)
  app.get('/request', async (ctx) => ({
    url: ctx.req.url,
    method: ctx.req.method,
    ua: ctx.req.headers.get('x-ua'),
  }))

  test('objects and arrays as JSON, strings as text, bytes as octets', async () => {
    await withServer(app, async ({ url }) => {
      let res = await fetch(`${url}/object`)
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8')
      assert.deepEqual(await res.json(), { a: 1, list: [1, 2] })
      assert.deepEqual(await (await fetch(`${url}/array`)).json(), [1, 'two'])
      res = await fetch(`${url}/string`)
      assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8')
      assert.equal(await res.text(), 'plain')
      res = await fetch(`${url}/bytes`)
      assert.equal(res.headers.get('content-type'), 'application/octet-stream')
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), new Uint8Array([1, 2, 3]))
      assert.deepEqual(await (await fetch(`${url}/async`)).json(), { later: true })
    })
  })

  test('streams, Responses as they are, undefined as 204', async () => {
    await withServer(app, async ({ url }) => {
      assert.equal(await (await fetch(`${url}/stream`)).text(), 'chunk one, chunk two')
      const res = await fetch(`${url}/response`)
      assert.equal(res.status, 202)
      assert.equal(res.headers.get('x-own'), '1')
      assert.equal(await res.text(), 'as is')
      const empty = await fetch(`${url}/nothing`)
      assert.equal(empty.status, 204)
      assert.equal(await empty.text(), '')
      assert.equal((await fetch(`${url}/status-only`)).status, 202)
    })
  })

  test('context helpers: json with status, html, text, redirect, headers', async () => {
    await withServer(app, async ({ url }) => {
      assert.equal((await fetch(`${url}/created`)).status, 201)
      const html = await fetch(`${url}/html`)
      assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8')
      assert.equal((await fetch(`${url}/text`)).status, 418)
      const redirect = await fetch(`${url}/redirect`, { redirect: 'manual' })
      assert.equal(redirect.status, 301)
      assert.equal(redirect.headers.get('location'), '/object')
      const headers = await fetch(`${url}/header`)
      assert.equal(headers.headers.get('x-one'), 'a')
      assert.equal(headers.headers.get('x-list'), 'b, c')
    })
  })

  test('query strings: repeated keys become arrays, values are decoded', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/query?tag=a&tag=b&q=hello+world&x=%C3%A9`)
      assert.deepEqual(await res.json(), { tag: ['a', 'b'], q: 'hello world', x: 'é' })
    })
  })

  test('ctx.req is a standard Request built on demand', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/request?x=1`, { headers: { 'x-ua': 'test' } })
      assert.deepEqual(await res.json(), { url: `${url}/request?x=1`, method: 'GET', ua: 'test' })
    })
  })

  test('streaming respects backpressure: a slow reader holds the producer back', async () => {
    let produced = 0
    const chunk = new Uint8Array(64 * 1024)
    const big = weft({ logger: false })
    big.get('/big', () => {
      return new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (produced >= 400) return controller.close()
            produced++
            controller.enqueue(chunk)
          },
        },
        { highWaterMark: 1 },
      )
    })
    await withServer(big, async ({ port }) => {
      const received = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ port, path: '/big' }, (res) => {
          res.pause()
          // Nobody reads for a while: the server must stop producing far short of 400 chunks.
          setTimeout(() => {
            const producedWhilePaused = produced
            let bytes = 0
            res.on('data', (c: Buffer) => {
              bytes += c.length
            })
            res.on('end', () =>
              producedWhilePaused < 200
                ? resolve(bytes)
                : reject(new Error(`produced ${producedWhilePaused}`)),
            )
            res.resume()
          }, 300)
        })
        req.on('error', reject)
        req.end()
      })
      assert.equal(received, 400 * 64 * 1024)
    })
  })

  test('app.request() answers in-process, without a socket', async () => {
    const res = await app.request('/object')
    assert.deepEqual(await res.json(), { a: 1, list: [1, 2] })
    const head = await app.request('/string', { method: 'HEAD' })
    assert.equal(await head.text(), '')
    assert.equal(head.headers.get('content-length'), '5')
  })
})
