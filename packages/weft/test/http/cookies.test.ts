import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type Context, type CookieOptions, weft } from 'weftjs'

// Cookie parsing and defaults over a socket are in the conformance suite (cases/cookies.ts);
// https needs a TLS peer there, so the Secure default is checked through app.request().
// Each security default the README promises is asserted here on its own.

/**
 * The Set-Cookie values, status and body of a request whose handler runs `set`. Dev mode,
 * so that a refusal's 500 carries its reason as `detail`.
 */
async function setting(url: string, set: (ctx: Context) => void, cookie?: string) {
  const app = weft({ logger: false, dev: true }).get('/', (ctx) => {
    set(ctx)
    return 'ok'
  })
  const res = await app.request(new Request(url, { headers: cookie ? { cookie } : {} }))
  const body = res.status === 200 ? await res.text() : await res.json()
  return { status: res.status, cookies: res.headers.getSetCookie(), body }
}

const http = 'http://example.test/'
const https = 'https://example.test/'

describe('cookies', () => {
  test('cookies are Secure when the request came over https, not over http', async () => {
    const set = (ctx: Context) => {
      ctx.cookies.set('session', 'x')
      ctx.cookies.set('prefs', 'dark', { httpOnly: false })
    }
    const secure = await setting(https, set)
    assert.deepEqual(secure.cookies, [
      'session=x; Path=/; HttpOnly; Secure; SameSite=Lax',
      'prefs=dark; Path=/; Secure; SameSite=Lax',
    ])
    const plain = await setting(http, set)
    assert.deepEqual(plain.cookies, [
      'session=x; Path=/; HttpOnly; SameSite=Lax',
      'prefs=dark; Path=/; SameSite=Lax',
    ])
  })

  test('every attribute is written as given; values are percent-encoded', async () => {
    const options: CookieOptions = {
      domain: '.example.test',
      path: '/app',
      maxAge: 59.9,
      expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
      sameSite: 'Strict',
      partitioned: true,
      priority: 'High',
    }
    const { cookies } = await setting(https, (ctx) => ctx.cookies.set('id', 'a b;c', options))
    assert.deepEqual(cookies, [
      'id=a%20b%3Bc; Path=/app; Domain=.example.test; Max-Age=59; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; Secure; SameSite=Strict; Partitioned; Priority=High',
    ])
  })

  test('delete() expires the cookie at its path and domain', async () => {
    const { cookies } = await setting(https, (ctx) =>
      ctx.cookies.delete('id', { path: '/app', domain: 'example.test' }),
    )
    assert.deepEqual(cookies, [
      'id=; Path=/app; Domain=example.test; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    ])
  })

  test('SameSite=None is kept only with Secure: on https by default, refused over http', async () => {
    const none = (ctx: Context) => ctx.cookies.set('t', '1', { sameSite: 'None' })
    assert.deepEqual((await setting(https, none)).cookies, ['t=1; Path=/; HttpOnly; Secure; SameSite=None'])
    const refused = await setting(http, none)
    assert.equal(refused.status, 500)
    assert.equal(refused.body.code, 'WEFT_BAD_COOKIE')
    assert.match(refused.body.detail, /SameSite=None/)
    assert.deepEqual(refused.cookies, [])
    const optedOut = await setting(https, (ctx) =>
      ctx.cookies.set('t', '1', { sameSite: 'None', secure: false }),
    )
    assert.equal(optedOut.status, 500)
  })

  test('cookies a browser would drop or misread are refused with WEFT_BAD_COOKIE, nothing sent', async () => {
    const refusals: [string, string, (ctx: Context) => void][] = [
      [http, 'Partitioned', (ctx) => ctx.cookies.set('p', '1', { partitioned: true })],
      [http, '__Secure-', (ctx) => ctx.cookies.set('__Secure-id', '1')],
      [http, '__Host-', (ctx) => ctx.cookies.set('__Host-id', '1')],
      [https, '__Host-', (ctx) => ctx.cookies.set('__Host-id', '1', { path: '/app' })],
      [https, '__Host-', (ctx) => ctx.cookies.set('__Host-id', '1', { domain: 'example.test' })],
      [https, 'path', (ctx) => ctx.cookies.set('id', '1', { path: 'app' })],
      [https, 'path', (ctx) => ctx.cookies.set('id', '1', { path: 'app/x' })],
      [https, 'domain', (ctx) => ctx.cookies.set('id', '1', { domain: '-x.test' })],
      [https, 'path', (ctx) => ctx.cookies.set('id', '1', { path: '/a;b' })],
      [https, 'domain', (ctx) => ctx.cookies.set('id', '1', { domain: 'exa mple.com' })],
      [https, 'sameSite', (ctx) => ctx.cookies.set('id', '1', { sameSite: 'lax' as 'Lax' })],
      [https, 'priority', (ctx) => ctx.cookies.set('id', '1', { priority: 'Top' as 'High' })],
      [https, 'maxAge', (ctx) => ctx.cookies.set('id', '1', { maxAge: Number.NaN })],
      [https, 'expires', (ctx) => ctx.cookies.set('id', '1', { expires: new Date(Number.NaN) })],
      [https, 'cookie name', (ctx) => ctx.cookies.set('bad name', '1')],
    ]
    assert.equal(refusals.length, 15)
    for (const [url, reason, set] of refusals) {
      const res = await setting(url, set)
      assert.equal(res.status, 500, reason)
      assert.equal(res.body.code, 'WEFT_BAD_COOKIE', reason)
      assert.ok(res.body.detail.includes(reason), `${reason}: ${res.body.detail}`)
      assert.deepEqual(res.cookies, [], reason)
    }
    const long = await setting(https, (ctx) => ctx.cookies.set(`bad name${'x'.repeat(100)}`, '1'))
    assert.match(long.body.detail, new RegExp(`"bad name${'x'.repeat(56)}" is not a valid cookie name`))
    const fine = await setting(https, (ctx) => ctx.cookies.set('__Host-id', '1'))
    assert.deepEqual(fine.cookies, ['__Host-id=1; Path=/; HttpOnly; Secure; SameSite=Lax'])
  })

  test('host names of one or many labels, and every priority, are accepted', async () => {
    const { cookies } = await setting(https, (ctx) => {
      ctx.cookies.set('a', '1', { domain: 'x', priority: 'Low' })
      ctx.cookies.set('b', '1', { domain: 'a.b-c.example.test', priority: 'Medium' })
      ctx.cookies.set('c', '1', { domain: '.e.test', path: '/a b:c' })
    })
    assert.deepEqual(cookies, [
      'a=1; Path=/; Domain=x; HttpOnly; Secure; SameSite=Lax; Priority=Low',
      'b=1; Path=/; Domain=a.b-c.example.test; HttpOnly; Secure; SameSite=Lax; Priority=Medium',
      'c=1; Path=/a b:c; Domain=.e.test; HttpOnly; Secure; SameSite=Lax',
    ])
  })

  test('the Cookie header is read: trimmed, unquoted, percent-decoded, first of a name wins', async () => {
    let seen: Record<string, string> = {}
    const header = ' a = 1 ; b="q r"; c=%E2%9C%93; d=%zz; a=2; novalue; e=""; ="x"; f="open; g=shut"; h="'
    await setting(http, (ctx) => (seen = { ...ctx.cookies.all(), one: ctx.cookies.get('a') ?? '' }), header)
    assert.deepEqual(seen, {
      a: '1',
      b: 'q r',
      c: '✓',
      d: '%zz',
      e: '',
      f: '"open',
      g: 'shut"',
      h: '"',
      one: '1',
    })
    const none = await setting(http, (ctx) => (seen = { ...ctx.cookies.all() }))
    assert.equal(none.status, 200)
    assert.deepEqual(seen, {})
  })
})
