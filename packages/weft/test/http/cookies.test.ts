import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'

// Cookie parsing and defaults over a socket are in the conformance suite (cases/cookies.ts);
// https needs a TLS peer there, so the Secure default is checked through app.request().
describe('cookies', () => {
  test('cookies are Secure when the request came over https, not over http', async () => {
    const app = weft({ logger: false })
    app.get('/login', (ctx) => {
      ctx.cookies.set('session', 'x')
      ctx.cookies.set('prefs', 'dark', { httpOnly: false })
      return 'ok'
    })
    const secure = await app.request(new Request('https://example.test/login'))
    assert.equal(secure.headers.getSetCookie().length, 2)
    for (const cookie of secure.headers.getSetCookie()) assert.match(cookie, /; Secure/)
    const plain = await app.request(new Request('http://example.test/login'))
    for (const cookie of plain.headers.getSetCookie()) assert.doesNotMatch(cookie, /Secure/)
  })
})
