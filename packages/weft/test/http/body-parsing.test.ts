import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weft'
import { withServer } from '../helpers/server.ts'

describe('request bodies, parsed on demand', () => {
  const app = weft({ logger: false })
  let parsedWithoutAsking = 0
  app.post('/ignore', () => {
    parsedWithoutAsking++
    return 'not read'
  })
  app.post('/parse', async (ctx) => ({ body: await ctx.parseBody() }))
  app.post('/bytes', async (ctx) => ({ length: (await ctx.bytes()).byteLength }))
  app.post('/json-only', async (ctx) => ({ body: await ctx.parseBody(['json']) }))
  app.post('/twice', async (ctx) => {
    await ctx.parseBody()
    return { again: await ctx.req.text() }
  })

  test('JSON, urlencoded forms, text and raw bytes', async () => {
    await withServer(app, async ({ url }) => {
      const post = (body: BodyInit, type?: string) =>
        fetch(`${url}/parse`, { method: 'POST', body, headers: type ? { 'content-type': type } : {} })
      assert.deepEqual(await (await post('{"a":[1,{"b":null}]}', 'application/json')).json(), {
        body: { a: [1, { b: null }] },
      })
      assert.deepEqual(await (await post('{"x":1}', 'application/vnd.api+json')).json(), { body: { x: 1 } })
      assert.deepEqual(await (await post('a=1&a=2&b=x+y', 'application/x-www-form-urlencoded')).json(), {
        body: { a: ['1', '2'], b: 'x y' },
      })
      assert.deepEqual(await (await post('hello', 'text/plain; charset=utf-8')).json(), { body: 'hello' })
      const bytes = await fetch(`${url}/bytes`, { method: 'POST', body: new Uint8Array(1000) })
      assert.deepEqual(await bytes.json(), { length: 1000 })
    })
  })

  test('a body no handler asked for is never parsed', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/ignore`, {
        method: 'POST',
        body: '{not json',
        headers: { 'content-type': 'application/json' },
      })
      assert.equal(res.status, 200)
      assert.equal(parsedWithoutAsking, 1)
    })
  })

  test('malformed JSON answers 400; bad UTF-8 answers 400', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/parse`, {
        method: 'POST',
        body: '{"a":',
        headers: { 'content-type': 'application/json' },
      })
      assert.equal(res.status, 400)
      assert.equal((await res.json()).code, 'WEFT_MALFORMED_JSON')
      const bad = await fetch(`${url}/parse`, {
        method: 'POST',
        body: new Uint8Array([0x22, 0xff, 0xfe, 0x22]),
        headers: { 'content-type': 'application/json' },
      })
      assert.equal(bad.status, 400)
      assert.equal((await bad.json()).code, 'WEFT_BAD_ENCODING')
    })
  })

  test('415 for a content type the route does not take, or a charset other than UTF-8', async () => {
    await withServer(app, async ({ url }) => {
      let res = await fetch(`${url}/json-only`, {
        method: 'POST',
        body: 'a=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      assert.equal(res.status, 415)
      assert.equal((await res.json()).code, 'WEFT_UNSUPPORTED_MEDIA_TYPE')
      res = await fetch(`${url}/parse`, {
        method: 'POST',
        body: 'x',
        headers: { 'content-type': 'text/plain; charset=latin1' },
      })
      assert.equal(res.status, 415)
    })
  })

  test('a body read by the framework is still there for ctx.req', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/twice`, {
        method: 'POST',
        body: 'same',
        headers: { 'content-type': 'text/plain' },
      })
      assert.deepEqual(await res.json(), { again: 'same' })
    })
  })
})
