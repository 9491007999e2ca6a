import assert from 'node:assert/strict'
import { type Case, post, rawRequest, statusOf } from '../client.ts'

/** The body of a raw HTTP/1.1 answer (no chunked encoding expected). */
function bodyOf(raw: string): string {
  return raw.slice(raw.indexOf('\r\n\r\n') + 4)
}

export const security: Case[] = [
  [
    'a request target that is not a path answers 400 (GET *users/1, GET *)',
    async (target) => {
      for (const line of ['GET *users/1 HTTP/1.1', 'GET * HTTP/1.1', 'GET users/1 HTTP/1.1']) {
        const raw = await rawRequest(target, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`)
        assert.equal(statusOf(raw), 400, line)
        assert.doesNotMatch(raw, /"id"/, line)
      }
    },
  ],
  [
    'a header value outside RFC 9110 field-value answers a 500 problem, cookies kept',
    async (target) => {
      const fine = await fetch(`${target.url}/s/header?v=${encodeURIComponent('café')}`)
      assert.equal(fine.status, 200)
      for (const value of ['price €5', 'tab\x7fdel', 'bell\x07']) {
        const res = await fetch(`${target.url}/s/header?v=${encodeURIComponent(value)}`)
        assert.equal(res.status, 500, value)
        assert.equal(res.statusText, 'Internal Server Error')
        assert.equal(res.headers.get('content-type'), 'application/problem+json')
        assert.equal((await res.json()).code, 'WEFT_HEADER_INJECTION')
        assert.equal(res.headers.get('x-v'), null)
        assert.match(res.headers.get('set-cookie') ?? '', /^kept=1;/)
      }
    },
  ],
  [
    'bad percent-encoding answers 400 with a short, escaped excerpt of the input',
    async (target) => {
      const payload = `%ZZ${'<script>'.repeat(100)}`
      const raw = await rawRequest(
        target,
        `POST /merge HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${payload.length + 2}\r\nConnection: close\r\n\r\na=${payload}`,
      )
      assert.equal(statusOf(raw), 400)
      const problem = JSON.parse(bodyOf(raw))
      assert.equal(problem.code, 'WEFT_BAD_ENCODING')
      assert.doesNotMatch(problem.detail, /<script>/)
      assert.ok(problem.detail.length < 120, problem.detail)
      const query = await fetch(`${target.url}/keys?a=%ZZ${'x'.repeat(500)}`)
      assert.equal(query.status, 400)
      assert.ok((await query.json()).detail.length < 120)
    },
  ],
  [
    'a 5xx HttpError shows its message only with expose: true (production)',
    async (target) => {
      const secret = await fetch(`${target.url}/s/secret`)
      assert.equal(secret.status, 500)
      const hidden = await secret.json()
      assert.equal(hidden.detail, undefined)
      assert.doesNotMatch(JSON.stringify(hidden), /10\.0\.0\.7/)
      const exposed = await (await fetch(`${target.url}/s/exposed`)).json()
      assert.deepEqual([exposed.status, exposed.detail, exposed.code], [503, 'Back at noon', 'MAINTENANCE'])
    },
  ],
  [
    'cookies a browser would drop or misread are refused: SameSite=None without Secure, prefixes, bad path or domain',
    async (target) => {
      for (const kind of ['none', 'host', 'secure-prefix', 'path', 'domain']) {
        const res = await fetch(`${target.url}/s/cookie/${kind}`)
        assert.equal(res.status, 500, kind)
        assert.equal((await res.json()).code, 'WEFT_BAD_COOKIE', kind)
        assert.equal(res.headers.get('set-cookie'), null, kind)
      }
      const ok = await fetch(`${target.url}/s/cookie/none-secure`)
      assert.equal(ok.status, 200)
      assert.match(ok.headers.get('set-cookie') ?? '', /; Secure; SameSite=None$/)
    },
  ],
  [
    'a JSON body nested 10,000 deep answers 400, not a stack overflow',
    async (target) => {
      const deep = `${'{"$a":'.repeat(10_000)}1${'}'.repeat(10_000)}`
      const res = await post(target, '/parse', deep, 'application/json')
      assert.equal(res.status, 400)
      assert.equal((await res.json()).code, 'WEFT_BODY_TOO_DEEP')
      const arrays = await post(target, '/parse', `${'['.repeat(300)}${']'.repeat(300)}`, 'application/json')
      assert.equal(arrays.status, 400)
      const fine = await post(target, '/parse', `${'['.repeat(200)}${']'.repeat(200)}`, 'application/json')
      assert.equal(fine.status, 200)
    },
  ],
  [
    'a route with a JSON body schema refuses forms with 415 unless it asks for them',
    async (target) => {
      const form = await post(target, '/s/notes', 'title=x', 'application/x-www-form-urlencoded')
      assert.equal(form.status, 415)
      assert.equal((await form.json()).code, 'WEFT_UNSUPPORTED_MEDIA_TYPE')
      const hostileType = `text/${'<script>'.repeat(50)}`
      const echoed = await post(target, '/s/notes', 'x', hostileType)
      assert.equal(echoed.status, 415)
      const detail = (await echoed.json()).detail ?? ''
      assert.doesNotMatch(detail, /<script>/)
      assert.ok(detail.length < 300, detail)
      const json = await post(target, '/s/notes', '{"title":"x"}', 'application/json')
      assert.equal(json.status, 201)
      const asked = await post(target, '/s/notes-form', 'title=x', 'application/x-www-form-urlencoded')
      assert.equal(asked.status, 201)
      assert.deepEqual(await asked.json(), { title: 'x' })
    },
  ],
]
