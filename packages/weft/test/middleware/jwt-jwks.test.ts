import assert from 'node:assert/strict'
import { test } from 'node:test'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { weft } from 'weftjs'
import { jwt } from 'weftjs/jwt'
import { withServer } from '../helpers/server.ts'

test('jwt with a JWKS: keys fetched from the issuer; foreign keys, algorithm confusion and clock skew handled', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true })
  const other = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
  const issuer = weft({ logger: false }).get('/.well-known/jwks.json', () => ({ keys: [jwk] }))
  await withServer(issuer, async (idp) => {
    const app = weft({ logger: false })
    app.use(jwt({ jwks: `${idp.url}/.well-known/jwks.json`, audience: 'api' }))
    app.get('/me', (ctx) => ctx.state.jwt)
    await withServer(app, async ({ url }) => {
      const sign = (key: CryptoKey, exp: number | string = '5m', alg = 'RS256') =>
        new SignJWT({ sub: 'ann' })
          .setProtectedHeader({ alg, kid: 'k1' })
          .setAudience('api')
          .setExpirationTime(exp)
          .sign(key)
      const call = async (token: string) => {
        const res = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } })
        return { status: res.status, body: await res.json() }
      }
      const ok = await call(await sign(privateKey))
      assert.equal(ok.status, 200)
      assert.equal(ok.body.sub, 'ann')
      assert.equal((await call(await sign(other.privateKey))).status, 401, 'a key not in the JWKS')
      const now = Math.floor(Date.now() / 1000)
      assert.equal(
        (await call(await sign(privateKey, now - 2))).status,
        200,
        '2 s past exp is inside the 5 s tolerance',
      )
      assert.equal((await call(await sign(privateKey, now - 30))).status, 401, '30 s past exp is not')
      // Algorithm confusion: an HS256 token keyed with the public key's bytes.
      const hmacKey = new TextEncoder().encode(JSON.stringify(jwk))
      const confused = await new SignJWT({ sub: 'admin' })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .setAudience('api')
        .setExpirationTime('5m')
        .sign(hmacKey)
      const refused = await call(confused)
      assert.equal(refused.status, 401)
      assert.equal(refused.body.code, 'WEFT_JWT_INVALID')
    })
  })
})

test('jwt refuses weak setups at startup: no key, two keys, a short secret, alg none', () => {
  assert.throws(() => jwt({}), /WEFT_JWT_KEY/)
  assert.throws(() => jwt({ secret: 'x'.repeat(40), jwks: 'https://x' }), /WEFT_JWT_KEY/)
  assert.throws(() => jwt({ secret: 'short' }), /WEFT_WEAK_SECRET/)
  assert.throws(() => jwt({ secret: 'x'.repeat(40), algorithms: ['none'] }), /WEFT_JWT_ALG_NONE/)
})
