import assert from 'node:assert/strict'
import { type Case, post, problemOf, rawRequest, statusOf } from '../client.ts'

export const hostile: Case[] = [
  [
    'JSON that would pollute prototypes is refused with 400',
    async (target) => {
      const bodies = [
        '{"__proto__":{"polluted":true}}',
        '{"a":{"constructor":{"prototype":{"polluted":true}}}}',
        '{"\\u005f_proto__":{"polluted":true}}',
        '[{"nested":{"__proto__":{"polluted":true}}}]',
      ]
      for (const body of bodies) {
        const res = await post(target, '/merge', body, 'application/json')
        assert.equal(res.status, 400, body)
        assert.equal((await res.json()).code, 'WEFT_PROTOTYPE_POLLUTION')
      }
      const fine = await post(target, '/merge', '{"constructor":"a plain value is fine"}', 'application/json')
      assert.deepEqual(await fine.json(), { polluted: null, keys: ['constructor'] })
    },
  ],
  [
    'forms and query strings cannot reach Object.prototype',
    async (target) => {
      const body = '__proto__=x&__proto__=y&constructor=z&toString=t'
      const merged = await (await post(target, '/merge', body, 'application/x-www-form-urlencoded')).json()
      assert.equal(merged.polluted, null)
      // Parsed into an object without a prototype: every key is kept as a plain field,
      // a repeated `__proto__` included, and none reaches a prototype.
      const parsed = await (
        await post(target, '/form-keys', body, 'application/x-www-form-urlencoded')
      ).json()
      assert.deepEqual(parsed.keys, ['__proto__', 'constructor', 'toString'])
      assert.equal(parsed.nullPrototype, true)
      assert.deepEqual(parsed.form, JSON.parse('{"__proto__":["x","y"],"constructor":"z","toString":"t"}'))
      const query = await fetch(`${target.url}/keys?__proto__=1&a=2`)
      assert.deepEqual(await query.json(), { keys: ['__proto__', 'a'], polluted: null })
    },
  ],
  [
    'bad percent-encoding in the path or query answers 400',
    async (target) => {
      assert.equal((await fetch(`${target.url}/ok%E0%A4%A`)).status, 400)
      assert.equal((await fetch(`${target.url}/keys?a=%ZZ`)).status, 400)
      const raw = await rawRequest(target, 'GET /%C0%AF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.equal(statusOf(raw), 400)
    },
  ],
  [
    'a header value with CR/LF is refused with 500: nothing is injected',
    async (target) => {
      const raw = await rawRequest(
        target,
        'GET /echo?v=a%0D%0ASet-Cookie:%20evil=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      )
      assert.equal(statusOf(raw), 500)
      assert.doesNotMatch(raw, /evil/i)
      assert.doesNotMatch(raw, /^x-echo:/im)
      const redirect = await fetch(`${target.url}/go?to=%2Fa%0D%0AX-Evil:%201`, { redirect: 'manual' })
      assert.equal(redirect.status, 500)
      assert.equal(redirect.headers.get('x-evil'), null)
    },
  ],
  [
    'more headers than the app allows answers 431 with a problem document',
    async (target) => {
      const head = (count: number) => Array.from({ length: count }, (_, i) => `x-h${i}: ${i}\r\n`).join('')
      const many = await rawRequest(
        target,
        `GET /ok HTTP/1.1\r\nHost: x\r\n${head(70)}Connection: close\r\n\r\n`,
      )
      assert.equal(statusOf(many), 431)
      assert.match(many, /content-type: application\/problem\+json/i)
      assert.equal(problemOf(many).code, 'WEFT_TOO_MANY_HEADERS')
      const res = await rawRequest(
        target,
        `GET /ok HTTP/1.1\r\nHost: x\r\n${head(50)}Connection: close\r\n\r\n`,
      )
      assert.equal(statusOf(res), 200)
    },
  ],
  [
    'an oversize head is refused: 431 past 16 KiB (Deno: 400 past its own 64 KiB)',
    async (target) => {
      const big = (size: number) =>
        `GET /ok HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(size)}\r\nConnection: close\r\n\r\n`
      const deno = target.runtime === 'deno'
      const over = await rawRequest(target, big(20_000))
      assert.equal(statusOf(over), deno ? 200 : 431)
      assert.equal(statusOf(await rawRequest(target, big(70_000))), deno ? 400 : 431)
      // Node's own refusal is answered by Weft as a problem document; Bun and Deno answer
      // a head past their bounds before any code runs, with a bare status (docs/runtimes.md).
      if (target.runtime === 'node' || target.runtime === 'node24') {
        assert.match(over, /content-type: application\/problem\+json/i)
        assert.equal(problemOf(over).code, 'WEFT_HEADERS_TOO_LARGE')
      }
    },
  ],
  [
    'garbage and broken requests get 400 and the server stays up',
    async (target) => {
      assert.equal(statusOf(await rawRequest(target, 'NOT HTTP AT ALL\r\n\r\n')), 400)
      const badLength = 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'
      assert.equal(statusOf(await rawRequest(target, badLength)), 400)
      await rawRequest(
        target,
        'POST /merge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"a',
        100,
      )
      assert.equal(await (await fetch(`${target.url}/ok`)).text(), 'ok')
    },
  ],
]
