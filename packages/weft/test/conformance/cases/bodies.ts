import assert from 'node:assert/strict'
import { type Case, post, problemOf, statusOf, uploadUntilAnswered, uploadWhole } from '../client.ts'

const MiB = 1024 * 1024

export const bodies: Case[] = [
  [
    'JSON, urlencoded forms, text and raw bytes',
    async (target) => {
      const parse = async (body: BodyInit, type: string) => (await post(target, '/parse', body, type)).json()
      assert.deepEqual(await parse('{"a":[1,{"b":null}]}', 'application/json'), {
        body: { a: [1, { b: null }] },
      })
      assert.deepEqual(await parse('{"x":1}', 'application/vnd.api+json'), { body: { x: 1 } })
      assert.deepEqual(await parse('a=1&a=2&b=x+y', 'application/x-www-form-urlencoded'), {
        body: { a: ['1', '2'], b: 'x y' },
      })
      assert.deepEqual(await parse('hello', 'text/plain; charset=utf-8'), { body: 'hello' })
      const bytes = await post(target, '/bytes', new Uint8Array(1000))
      assert.deepEqual(await bytes.json(), { length: 1000 })
    },
  ],
  [
    'a body no handler asked for is never parsed',
    async (target) => {
      const res = await post(target, '/ignore', '{not json', 'application/json')
      assert.equal(res.status, 200)
      assert.equal(await res.text(), 'not read')
    },
  ],
  [
    'malformed JSON answers 400; bad UTF-8 answers 400',
    async (target) => {
      const res = await post(target, '/parse', '{"a":', 'application/json')
      assert.equal(res.status, 400)
      assert.equal((await res.json()).code, 'WEFT_MALFORMED_JSON')
      const bad = await post(target, '/parse', new Uint8Array([0x22, 0xff, 0xfe, 0x22]), 'application/json')
      assert.equal(bad.status, 400)
      assert.equal((await bad.json()).code, 'WEFT_BAD_ENCODING')
    },
  ],
  [
    '415 for a content type the route does not take, or a charset other than UTF-8',
    async (target) => {
      const res = await post(target, '/json-only', 'a=1', 'application/x-www-form-urlencoded')
      assert.equal(res.status, 415)
      assert.equal(res.headers.get('content-type'), 'application/problem+json')
      assert.equal((await res.json()).code, 'WEFT_UNSUPPORTED_MEDIA_TYPE')
      assert.equal((await post(target, '/parse', 'x', 'text/plain; charset=latin1')).status, 415)
    },
  ],
  [
    'a body read by the framework is still there for ctx.req',
    async (target) => {
      const res = await post(target, '/twice', 'same', 'text/plain')
      assert.deepEqual(await res.json(), { again: 'same' })
    },
  ],
  [
    'body limit: 1 MiB by default, just under passes',
    async (target) => {
      const res = await post(target, '/upload', new Uint8Array(MiB))
      assert.deepEqual(await res.json(), { size: MiB })
    },
  ],
  [
    'body limit: 413 at once when content-length announces more',
    async (target) => {
      const res = await post(target, '/upload', new Uint8Array(MiB + 1))
      assert.equal(res.status, 413)
      assert.equal(res.headers.get('content-type'), 'application/problem+json')
      assert.equal((await res.json()).code, 'WEFT_BODY_TOO_LARGE')
    },
  ],
  [
    'body limit: 413 while streaming, as soon as the limit is passed',
    async (target) => {
      const { status, sent } = await uploadUntilAnswered(target, '/upload', 256 * 1024, 64)
      assert.equal(status, 413)
      assert.ok(sent < 4 * MiB, `answered after ${sent} bytes, not after the whole 16 MiB`)
    },
  ],
  [
    'body limit: a route limit overrides the app limit, ctx.req streams within it',
    async (target) => {
      assert.equal((await post(target, '/small', '0123456789')).status, 200)
      assert.equal((await post(target, '/small', '0123456789X')).status, 413)
      assert.equal(await (await post(target, '/req-stream', 'x'.repeat(1000))).text(), '1000')
      const { status } = await uploadUntilAnswered(target, '/req-stream', 600, 10)
      assert.equal(status, 413)
    },
  ],
  [
    'body limit: a client that sends its whole oversize upload before reading still gets the 413',
    async (target) => {
      // Read as bytes (/upload) and as a stream (/req-stream); announced or not.
      for (const path of ['/upload', '/req-stream'])
        for (const framing of ['chunked', 'length'] as const) {
          const raw = await uploadWhole(target, path, 16 * MiB, framing)
          assert.equal(statusOf(raw), 413, `${path}, ${framing}: ${raw.slice(0, 200)}`)
          assert.equal(problemOf(raw).code, 'WEFT_BODY_TOO_LARGE')
        }
    },
  ],
  [
    'an answer sent without reading the upload reaches a client that sends it all first',
    async (target) => {
      for (const framing of ['chunked', 'length'] as const) {
        const raw = await uploadWhole(target, '/ignore', 16 * MiB, framing)
        assert.equal(statusOf(raw), 200, `${framing}: ${raw.slice(0, 200)}`)
        assert.ok(raw.endsWith('not read'), raw.slice(-200))
      }
    },
  ],
]
