import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { serve, weft } from 'weftjs'
import { isUntrusted } from 'weftjs/data'
import { rawRequest } from '../helpers/server.ts'

// Body parsing and its limits in-process, rule by rule: fast enough to run under mutation
// testing. Bodies over a socket on every runtime are in the conformance suite.

const app = weft({ logger: false, limits: { bodySize: 64, bodyDepth: 4 } })
  .post('/parse', async (ctx) => {
    const body = await ctx.parseBody()
    const kind = body instanceof Uint8Array ? 'bytes' : body === undefined ? 'none' : typeof body
    const shown = body instanceof Uint8Array ? [...body] : body
    const untrusted = typeof body === 'object' && body !== null && isUntrusted(body)
    return { kind, body: shown ?? null, untrusted }
  })
  .post('/json-only', async (ctx) => ({ body: await ctx.parseBody(['json']) }))
  .post('/bytes', async (ctx) => {
    const bytes = await ctx.bytes()
    return { length: bytes.byteLength, sum: bytes.reduce((total, byte) => total + byte, 0) }
  })
  .post('/stream', async (ctx) => ({ length: (await ctx.req.arrayBuffer()).byteLength }))

/** Sends `body` with a content type; answers the status and the parsed JSON answer. */
async function send(
  path: string,
  body: BodyInit | undefined,
  type?: string,
  headers: Record<string, string> = {},
) {
  const res = await app.request(path, {
    method: 'POST',
    headers: type ? { 'content-type': type, ...headers } : headers,
    body,
  })
  return { status: res.status, answer: await res.json() }
}

const parsed = async (body: BodyInit, type?: string) => (await send('/parse', body, type)).answer

async function refused(body: BodyInit | undefined, type: string | undefined, status: number, code: string) {
  const { status: got, answer } = await send('/parse', body, type)
  assert.deepEqual([got, answer.code], [status, code], `${type}: ${String(body).slice(0, 40)}`)
  return answer.detail as string
}

describe('body parsing', () => {
  test('the content type picks the parser, parameters and case aside', async () => {
    assert.deepEqual(await parsed('{"a":1}', 'application/json'), {
      kind: 'object',
      body: { a: 1 },
      untrusted: false,
    })
    assert.deepEqual((await parsed('[1]', 'Application/JSON ; charset=utf-8')).body, [1])
    assert.deepEqual((await parsed('{"b":2}', 'application/problem+json')).body, { b: 2 })
    assert.deepEqual((await parsed('a=1&b=2', 'application/x-www-form-urlencoded')).body, { a: '1', b: '2' })
    assert.deepEqual(await parsed('hi', 'text/plain; charset=UTF-8'), {
      kind: 'string',
      body: 'hi',
      untrusted: false,
    })
    assert.deepEqual((await parsed('<p>', 'text/html')).body, '<p>')
    assert.deepEqual(await parsed(new Uint8Array([1, 2]), 'application/octet-stream'), {
      kind: 'bytes',
      body: [1, 2],
      untrusted: false,
    })
    assert.deepEqual((await parsed('x', 'image/png')).kind, 'bytes')
  })

  test('no content type: an empty body is none, a body is refused with 415', async () => {
    assert.deepEqual((await send('/parse', undefined)).answer, { kind: 'none', body: null, untrusted: false })
    const detail = await refused(
      new TextEncoder().encode('data'),
      undefined,
      415,
      'WEFT_UNSUPPORTED_MEDIA_TYPE',
    )
    assert.equal(detail, 'Unsupported content type (none); this route takes a known content type')
    const narrowed = await send('/json-only', 'a=1', 'application/x-www-form-urlencoded')
    assert.deepEqual(
      [narrowed.status, narrowed.answer.detail],
      [415, 'Unsupported content type "application/x-www-form-urlencode..."; this route takes json'],
    )
  })

  test('text bodies must be UTF-8, by declaration and in fact', async () => {
    for (const type of [
      'text/plain; charset=latin1',
      'application/json;charset="iso-8859-1"',
      'text/plain; Charset = utf-16',
    ]) {
      const detail = await refused('{}', type, 415, 'WEFT_UNSUPPORTED_CHARSET')
      assert.match(detail, /^Unsupported charset "[\w-]+"; send UTF-8$/)
    }
    assert.equal((await parsed('"x"', 'application/json; charset=utf8')).body, 'x')
    assert.equal((await parsed('y', 'text/plain; charset="utf-8"')).body, 'y')
    await refused('{}', 'application/json; charset=xutf-8', 415, 'WEFT_UNSUPPORTED_CHARSET')
    await refused('{}', 'application/json; charset=utf-8y', 415, 'WEFT_UNSUPPORTED_CHARSET')
    // A byte order mark is dropped before parsing, as UTF-8 decoding does.
    assert.deepEqual((await parsed('\uFEFF{"a":1}', 'application/json')).body, { a: 1 })
    const detail = await refused(new Uint8Array([0xff, 0xfe, 0x41]), 'text/plain', 400, 'WEFT_BAD_ENCODING')
    assert.equal(detail, 'The request body is not valid UTF-8')
    // Bytes are bytes: no charset rule, no decoding.
    assert.deepEqual(
      (await parsed(new Uint8Array([0xff]), 'application/octet-stream; charset=latin1')).body,
      [255],
    )
  })

  test('malformed JSON answers 400 with a short, escaped excerpt of the parser message', async () => {
    const detail = await refused('{"a":', 'application/json', 400, 'WEFT_MALFORMED_JSON')
    assert.match(detail, /^Malformed JSON: /)
    const hostile = await refused(
      `{"<script>${'x'.repeat(40)}`,
      'application/json',
      400,
      'WEFT_MALFORMED_JSON',
    )
    assert.doesNotMatch(hostile, /<script>/)
    assert.ok(hostile.length <= 'Malformed JSON: '.length + 120 * 6 + 3, hostile)
  })

  test('nesting past limits.bodyDepth answers 400; brackets inside strings do not count', async () => {
    assert.deepEqual((await parsed('[[[[1]]]]', 'application/json')).body, [[[[1]]]])
    const detail = await refused('[[[[[1]]]]]', 'application/json', 400, 'WEFT_BODY_TOO_DEEP')
    assert.equal(detail, 'The JSON body nests deeper than 4 levels')
    assert.deepEqual((await parsed('{"a":"[[[[[[[["}', 'application/json')).body, { a: '[[[[[[[[' })
    assert.deepEqual((await parsed('[{},{},{},{},{}]', 'application/json')).body, [{}, {}, {}, {}, {}])
    await refused('{"a":{"a":{"a":{"a":{"a":1}}}}}', 'application/json', 400, 'WEFT_BODY_TOO_DEEP')
    await refused('["x",[[[[[1]]]]]]', 'application/json', 400, 'WEFT_BODY_TOO_DEEP')
    assert.deepEqual((await parsed('["\\"[[[[[[", {"b":[1]}]', 'application/json')).body, [
      '"[[[[[[',
      { b: [1] },
    ])
    assert.deepEqual((await parsed('[[1],[2],[3],[4],[5]]', 'application/json')).body, [
      [1],
      [2],
      [3],
      [4],
      [5],
    ])
  })

  test('__proto__ and constructor.prototype keys are refused at any depth; "$" keys mark the value', async () => {
    for (const json of [
      '{"__proto__":{"x":1}}',
      '{"a":[{"__proto__":1}]}',
      '{"constructor":{"prototype":{}}}',
      '{"a":{"\\u005f_proto__":1}}',
    ]) {
      const detail = await refused(json, 'application/json', 400, 'WEFT_PROTOTYPE_POLLUTION')
      assert.match(detail, /^The JSON body holds a forbidden "(__proto__|constructor)" key$/)
    }
    assert.deepEqual((await parsed('{"constructor":"x"}', 'application/json')).body, { constructor: 'x' })
    assert.deepEqual((await parsed('{"constructor":{"name":1}}', 'application/json')).body, {
      constructor: { name: 1 },
    })
    assert.equal((await parsed('{"constructor":null}', 'application/json')).untrusted, false)
    assert.equal((await parsed('{"a":{"$gt":1}}', 'application/json')).untrusted, true)
    assert.equal((await parsed('[{"\\u0024where":1}]', 'application/json')).untrusted, true)
    assert.equal((await parsed('{"a$":1,"b":"$"}', 'application/json')).untrusted, false)
    assert.equal((await parsed('"$x"', 'application/json')).untrusted, false)
  })

  test('forms: repeated keys, empty values, plus signs, decoding, and "$" keys marked', async () => {
    const form = 'application/x-www-form-urlencoded'
    assert.deepEqual((await parsed('a=1&a=2&a=3&b=&c&=v&&d=x=y', form)).body, {
      a: ['1', '2', '3'],
      b: '',
      c: '',
      '': 'v',
      d: 'x=y',
    })
    assert.deepEqual((await parsed('q=hello+world&e=%C3%A9&p=%2B', form)).body, {
      q: 'hello world',
      e: 'é',
      p: '+',
    })
    assert.deepEqual((await parsed('', form)).body, {})
    assert.deepEqual((await parsed('x=1&flag', form)).body, { x: '1', flag: '' })
    assert.equal((await parsed('a=1&$where=x', form)).untrusted, true)
    assert.equal((await parsed('a=$1', form)).untrusted, false)
    const detail = await refused('a=%zz', form, 400, 'WEFT_BAD_ENCODING')
    assert.equal(detail, 'Malformed percent-encoding in "%zz"')
  })

  test('the body limit: a declared or streamed body over it answers 413, one at it is read', async () => {
    const limit = 'The request body is larger than the limit of 64 bytes'
    const at = await send('/bytes', 'x'.repeat(64), 'application/octet-stream', { 'content-length': '64' })
    assert.deepEqual([at.status, at.answer.length], [200, 64])
    const over = await send('/bytes', 'x'.repeat(65), 'application/octet-stream')
    assert.deepEqual(
      [over.status, over.answer.code, over.answer.detail, over.answer.limit],
      [413, 'WEFT_BODY_TOO_LARGE', limit, 64],
    )
    const declared = await send('/bytes', 'x', 'application/octet-stream', { 'content-length': '1000' })
    assert.equal(declared.status, 413)
    const chunks = (n: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < n; i++) controller.enqueue(new Uint8Array(16).fill(i + 1))
          controller.close()
        },
      })
    const streamed = async (path: string, n: number) => {
      const res = await app.request(path, { method: 'POST', body: chunks(n), duplex: 'half' } as RequestInit)
      return { status: res.status, answer: await res.json() }
    }
    assert.deepEqual((await streamed('/bytes', 4)).answer, { length: 64, sum: 16 * (1 + 2 + 3 + 4) })
    assert.deepEqual((await streamed('/bytes', 5)).status, 413)
    assert.deepEqual((await streamed('/stream', 4)).answer, { length: 64 })
    const overStream = await streamed('/stream', 5)
    assert.deepEqual([overStream.status, overStream.answer.code], [413, 'WEFT_BODY_TOO_LARGE'])
    assert.deepEqual((await streamed('/bytes', 0)).answer, { length: 0, sum: 0 })
    assert.deepEqual((await streamed('/bytes', 1)).answer, { length: 16, sum: 16 })
  })

  test('limits.headerCount: a request with more headers answers 431, one at the limit is served', async () => {
    const server = await serve(
      weft({ logger: false, limits: { headerCount: 3 } }).get('/', () => 'ok'),
      { port: 0 },
    )
    try {
      const head = (n: number) =>
        `GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${Array.from({ length: n }, (_, i) => `x-${i}: 1\r\n`).join('')}\r\n`
      assert.match(await rawRequest(server, head(1)), /^HTTP\/1\.1 200/)
      const over = await rawRequest(server, head(2))
      assert.match(over, /^HTTP\/1\.1 431/)
      assert.match(over, /WEFT_TOO_MANY_HEADERS/)
      assert.match(over, /More than 3 request headers/)
    } finally {
      await server.close()
    }
  })
})
