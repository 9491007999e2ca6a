import assert from 'node:assert/strict'
import { SignJWT } from 'jose'
import type { Case } from '../conformance/client.ts'
import { SECRET } from './middleware-fixture.ts'

/** The cookies a response set, as the Cookie header a browser would send back. */
function cookiesOf(res: Response, previous = ''): string {
  const jar = new Map(previous ? previous.split('; ').map((c) => c.split('=') as [string, string]) : [])
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const eq = pair.indexOf('=')
    const value = pair.slice(eq + 1)
    if (value === '' || /max-age=0/i.test(line)) jar.delete(pair.slice(0, eq))
    else jar.set(pair.slice(0, eq), value)
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
}

const key = new TextEncoder().encode(SECRET)
const token = (
  claims: { sub: string; iss?: string },
  alg = 'HS256',
  exp: string | number = '5m',
  signKey: Uint8Array = key,
) =>
  new SignJWT({})
    .setProtectedHeader({ alg })
    .setSubject(claims.sub)
    .setIssuer(claims.iss ?? 'weft-test')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(signKey)

export const middlewareCases: Case[] = [
  [
    'cors: defaults let any origin read, without credentials; a preflight answers 204',
    async ({ url }) => {
      const res = await fetch(`${url}/cors/open`, { headers: { origin: 'https://any.example' } })
      assert.equal(res.headers.get('access-control-allow-origin'), '*')
      assert.equal(res.headers.get('access-control-allow-credentials'), null)
      await res.text()
      const pre = await fetch(`${url}/cors/open`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://any.example',
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'x-a',
        },
      })
      assert.equal(pre.status, 204)
      assert.match(pre.headers.get('access-control-allow-methods')!, /PUT/)
      assert.equal(pre.headers.get('access-control-allow-headers'), 'x-a')
      assert.equal(pre.headers.get('access-control-max-age'), '600')
    },
  ],
  [
    'cors: an allowed origin gets itself back with credentials, exposed headers and Vary',
    async ({ url }) => {
      const res = await fetch(`${url}/cors/list`, { headers: { origin: 'https://good.example' } })
      assert.equal(res.headers.get('access-control-allow-origin'), 'https://good.example')
      assert.equal(res.headers.get('access-control-allow-credentials'), 'true')
      assert.equal(res.headers.get('access-control-expose-headers'), 'x-total')
      assert.match(res.headers.get('vary')!, /origin/i)
      await res.text()
    },
  ],
  [
    'cors attack: a disallowed origin gets no Access-Control-Allow-Origin, preflight included',
    async ({ url }) => {
      const res = await fetch(`${url}/cors/list`, { headers: { origin: 'https://evil.example' } })
      assert.equal(res.headers.get('access-control-allow-origin'), null)
      assert.equal(res.headers.get('access-control-allow-credentials'), null)
      await res.text()
      const pre = await fetch(`${url}/cors/list`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      })
      assert.equal(pre.headers.get('access-control-allow-origin'), null)
      assert.equal(pre.headers.get('access-control-allow-methods'), null)
    },
  ],
  [
    "secure-headers: helmet's defaults on a page",
    async ({ url }) => {
      const res = await fetch(`${url}/secure/page`)
      await res.text()
      const csp = res.headers.get('content-security-policy')!
      assert.match(csp, /default-src 'self'/)
      assert.match(csp, /script-src 'self'/)
      assert.match(csp, /object-src 'none'/)
      assert.equal(res.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains')
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer')
      assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin')
    },
  ],
  [
    'secure-headers attack: framing by another site is refused on pages and on error answers',
    async ({ url }) => {
      for (const path of ['/secure/page', '/secure/missing']) {
        const res = await fetch(`${url}${path}`)
        await res.text()
        assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN', path)
        assert.match(res.headers.get('content-security-policy')!, /frame-ancestors 'self'/, path)
      }
    },
  ],
  [
    'compress: a large JSON body goes out as brotli or gzip, as accepted, with Vary',
    async (target) => {
      const br = await fetch(`${target.url}/compress/big`, { headers: { 'accept-encoding': 'br, gzip' } })
      assert.equal(br.headers.get('content-encoding'), 'br')
      assert.match(br.headers.get('vary')!, /accept-encoding/)
      assert.equal((await br.json()).text.length, 9800)
      const gz = await fetch(`${target.url}/compress/big`, { headers: { 'accept-encoding': 'gzip' } })
      assert.equal(gz.headers.get('content-encoding'), 'gzip')
      assert.equal((await gz.json()).text.length, 9800)
      const stream = await fetch(`${target.url}/compress/stream`, { headers: { 'accept-encoding': 'gzip' } })
      assert.equal(stream.headers.get('content-encoding'), 'gzip')
      assert.equal((await stream.text()).length, 9800)
    },
  ],
  [
    'compress: small bodies, already-compressed types and clients without gzip get bytes as they are',
    async ({ url }) => {
      const small = await fetch(`${url}/compress/small`, { headers: { 'accept-encoding': 'gzip' } })
      assert.equal(small.headers.get('content-encoding'), null)
      await small.text()
      const png = await fetch(`${url}/compress/png`, { headers: { 'accept-encoding': 'gzip' } })
      assert.equal(png.headers.get('content-encoding'), null)
      await png.arrayBuffer()
      const plain = await fetch(`${url}/compress/big`, { headers: { 'accept-encoding': 'identity' } })
      assert.equal(plain.headers.get('content-encoding'), null)
      await plain.text()
    },
  ],
  [
    'rate-limit: RateLimit-* headers count down within the window',
    async ({ url, runtime }) => {
      const client = `defaults-${runtime}-${Date.now()}`
      const res = await fetch(`${url}/limited/x`, { headers: { 'x-client': client } })
      await res.text()
      assert.equal(res.headers.get('ratelimit-limit'), '3')
      assert.equal(res.headers.get('ratelimit-remaining'), '2')
      assert.ok(Number(res.headers.get('ratelimit-reset')) > 0)
      assert.equal(res.headers.get('ratelimit-policy'), '3;w=60')
    },
  ],
  [
    'rate-limit attack: past the limit, 429 problem+json with Retry-After; other clients unaffected',
    async ({ url, runtime }) => {
      for (const path of ['/limited/x', '/sliding/x']) {
        const client = `attack-${runtime}-${path}-${Date.now()}`
        for (let i = 0; i < 3; i++)
          await (await fetch(`${url}${path}`, { headers: { 'x-client': client } })).text()
        const res = await fetch(`${url}${path}`, { headers: { 'x-client': client } })
        assert.equal(res.status, 429, path)
        assert.equal(res.headers.get('content-type'), 'application/problem+json')
        assert.ok(Number(res.headers.get('retry-after')) > 0)
        assert.equal((await res.json()).code, 'WEFT_RATE_LIMITED')
        const other = await fetch(`${url}${path}`, { headers: { 'x-client': `${client}-other` } })
        assert.equal(other.status, 200)
        await other.text()
      }
    },
  ],
  [
    'session: an encrypted cookie, HttpOnly and SameSite=Lax, carries the login; logout clears it',
    async ({ url }) => {
      const form = await fetch(`${url}/session/form`)
      let cookies = cookiesOf(form)
      const { token } = await form.json()
      const login = await fetch(`${url}/session/login`, {
        method: 'POST',
        headers: { cookie: cookies, 'x-csrf-token': token },
      })
      assert.equal(login.status, 200, await login.text())
      const setCookie = login.headers.getSetCookie().find((c) => c.startsWith('weft.session='))!
      assert.match(setCookie, /HttpOnly/)
      assert.match(setCookie, /SameSite=Lax/)
      assert.doesNotMatch(decodeURIComponent(setCookie), /ann/, 'the cookie does not show the data')
      cookies = cookiesOf(login, cookies)
      assert.equal(
        (await (await fetch(`${url}/session/form`, { headers: { cookie: cookies } })).json()).user,
        'ann',
      )
      const logout = await fetch(`${url}/session/logout`, {
        method: 'POST',
        headers: { cookie: cookies, 'x-csrf-token': token },
      })
      await logout.text()
      cookies = cookiesOf(logout, cookies)
      assert.equal(
        (await (await fetch(`${url}/session/form`, { headers: { cookie: cookies } })).json()).user,
        null,
      )
    },
  ],
  [
    'session attack: a tampered or forged cookie is an empty session',
    async ({ url }) => {
      const form = await fetch(`${url}/session/form`)
      const { token } = await form.json()
      const login = await fetch(`${url}/session/login`, {
        method: 'POST',
        headers: { cookie: cookiesOf(form), 'x-csrf-token': token },
      })
      await login.text()
      const cookie = cookiesOf(login, cookiesOf(form))
      const value = /weft\.session=([^;]+)/.exec(cookie)![1]
      const flipped = value.slice(0, 20) + (value[20] === 'A' ? 'B' : 'A') + value.slice(21)
      const tampered = cookie.replace(value, flipped)
      assert.equal(
        (await (await fetch(`${url}/session/form`, { headers: { cookie: tampered } })).json()).user,
        null,
      )
      const forged = `weft.session=${btoa(JSON.stringify({ d: { user: 'admin' }, e: Date.now() + 1e6 }))}`
      assert.equal(
        (await (await fetch(`${url}/session/form`, { headers: { cookie: forged } })).json()).user,
        null,
      )
    },
  ],
  [
    'session: login rotates the cookie, so a value planted before login is not the one after',
    async ({ url }) => {
      const form = await fetch(`${url}/session/form`)
      const before = cookiesOf(form)
      const { token } = await form.json()
      const login = await fetch(`${url}/session/login`, {
        method: 'POST',
        headers: { cookie: before, 'x-csrf-token': token },
      })
      await login.text()
      const after = cookiesOf(login, before)
      assert.notEqual(/weft\.session=([^;]+)/.exec(after)![1], /weft\.session=([^;]+)/.exec(before)![1])
    },
  ],
  [
    'csrf attack: a form post without the token, with a wrong one, or from another origin answers 403',
    async ({ url }) => {
      const form = await fetch(`${url}/session/form`)
      const cookies = cookiesOf(form)
      const { token } = await form.json()
      const post = (headers: Record<string, string>, body?: string) =>
        fetch(`${url}/session/change`, { method: 'POST', headers: { cookie: cookies, ...headers }, body })
      const none = await post({ 'content-type': 'application/x-www-form-urlencoded' }, 'title=x')
      assert.equal(none.status, 403)
      assert.equal((await none.json()).code, 'WEFT_CSRF')
      const wrong = await post(
        { 'content-type': 'application/x-www-form-urlencoded' },
        `title=x&_csrf=${'A'.repeat(token.length)}`,
      )
      assert.equal(wrong.status, 403)
      await wrong.text()
      const foreign = await post({ 'x-csrf-token': token, origin: 'https://evil.example' })
      assert.equal(foreign.status, 403)
      await foreign.text()
      const ok = await post(
        { 'content-type': 'application/x-www-form-urlencoded' },
        `title=x&_csrf=${encodeURIComponent(token)}`,
      )
      assert.equal(ok.status, 200)
      assert.equal(await ok.text(), 'changed')
    },
  ],
  [
    'csrf without a session: double-submit cookie (HttpOnly, SameSite=Strict) and token',
    async ({ url }) => {
      const form = await fetch(`${url}/form-only/form`)
      const setCookie = form.headers.getSetCookie().join('\n')
      assert.match(setCookie, /weft\.csrf=.*SameSite=Strict/)
      const { token } = await form.json()
      const none = await fetch(`${url}/form-only/change`, {
        method: 'POST',
        headers: { cookie: cookiesOf(form) },
      })
      assert.equal(none.status, 403)
      await none.text()
      const ok = await fetch(`${url}/form-only/change`, {
        method: 'POST',
        headers: { cookie: cookiesOf(form), 'x-csrf-token': token },
      })
      assert.equal(ok.status, 200)
      await ok.text()
    },
  ],
  [
    'jwt: a valid bearer token passes and its claims reach the handler',
    async ({ url }) => {
      const res = await fetch(`${url}/jwt/me`, {
        headers: { authorization: `Bearer ${await token({ sub: 'ann' })}` },
      })
      assert.deepEqual(await res.json(), { sub: 'ann' })
    },
  ],
  [
    'jwt attack: no token, alg none, a wrong key, a wrong issuer and an expired token answer 401',
    async ({ url }) => {
      const send = async (auth?: string) => {
        const res = await fetch(`${url}/jwt/me`, { headers: auth ? { authorization: auth } : {} })
        await res.text()
        return res
      }
      const missing = await send()
      assert.equal(missing.status, 401)
      assert.match(missing.headers.get('www-authenticate')!, /^Bearer/)
      const header = btoa(JSON.stringify({ alg: 'none' })).replace(/=+$/, '')
      const body = btoa(JSON.stringify({ sub: 'admin', iss: 'weft-test' })).replace(/=+$/, '')
      assert.equal((await send(`Bearer ${header}.${body}.`)).status, 401)
      const other = new TextEncoder().encode('another secret that is long enough!!')
      assert.equal((await send(`Bearer ${await token({ sub: 'x' }, 'HS256', '5m', other)}`)).status, 401)
      assert.equal(
        (await send(`Bearer ${await token({ sub: 'x' }, 'HS512')}`)).status,
        401,
        'HS512 is not allowed',
      )
      assert.equal((await send(`Bearer ${await token({ sub: 'x', iss: 'evil' })}`)).status, 401)
      const expired = Math.floor(Date.now() / 1000) - 60
      assert.equal((await send(`Bearer ${await token({ sub: 'x' }, 'HS256', expired)}`)).status, 401)
    },
  ],
  [
    'request-id: a new id per request, a usable incoming one kept, a hostile one replaced',
    async ({ url }) => {
      const a = await fetch(`${url}/rid`)
      const { id } = await a.json()
      assert.match(id, /^[0-9a-f-]{36}$/)
      assert.equal(a.headers.get('x-request-id'), id)
      const kept = await fetch(`${url}/rid`, { headers: { 'x-request-id': 'abc-123' } })
      assert.equal((await kept.json()).id, 'abc-123')
      const hostile = await fetch(`${url}/rid`, { headers: { 'x-request-id': `<script>${'x'.repeat(200)}` } })
      assert.match((await hostile.json()).id, /^[0-9a-f-]{36}$/)
    },
  ],
  [
    'timeout: a handler past the limit answers 503 problem+json and its signal aborts; a quick one is untouched',
    async ({ url }) => {
      const started = Date.now()
      const res = await fetch(`${url}/slow/late`)
      assert.equal(res.status, 503)
      assert.equal((await res.json()).code, 'WEFT_TIMEOUT')
      assert.ok(Date.now() - started < 1500)
      assert.equal(await (await fetch(`${url}/slow/quick`)).text(), 'quick')
    },
  ],
  [
    'etag: a body gets an ETag; If-None-Match with it answers 304 with no body',
    async ({ url }) => {
      const res = await fetch(`${url}/etag/page`)
      await res.text()
      const tag = res.headers.get('etag')!
      assert.match(tag, /^"[0-9a-f]+-[A-Za-z0-9_-]+"$/)
      const again = await fetch(`${url}/etag/page`, { headers: { 'if-none-match': tag } })
      assert.equal(again.status, 304)
      assert.equal(await again.text(), '')
    },
  ],
  [
    'logger: one pino-shaped line per request; authorization and cookies never logged',
    async ({ url }) => {
      await (
        await fetch(`${url}/logged/x?q=1`, { headers: { authorization: 'Bearer s3cret', cookie: 'sid=abc' } })
      ).text()
      const lines = (await (await fetch(`${url}/log-lines`)).json()) as Record<string, any>[]
      const line = lines.at(-1)!
      assert.equal(line.req.method, 'GET')
      assert.equal(line.req.url, '/logged/x?q=1')
      assert.equal(line.res.statusCode, 200)
      assert.equal(typeof line.responseTime, 'number')
      assert.equal(line.req.headers.authorization, '[Redacted]')
      assert.equal(line.req.headers.cookie, '[Redacted]')
      assert.equal(line.res.headers['set-cookie'], '[Redacted]')
      assert.doesNotMatch(JSON.stringify(lines), /s3cret|sid=abc|server-secret/)
    },
  ],
]
