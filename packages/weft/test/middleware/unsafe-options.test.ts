import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cors } from 'weftjs/cors'
import { rateLimit } from 'weftjs/rate-limit'
import { secureHeaders } from 'weftjs/secure-headers'
import { session } from 'weftjs/session'
import { serveStatic } from 'weftjs/static'
import { timeout } from 'weftjs/timeout'

test('middleware refuses unsafe or broken options when the app starts, not at the first request', () => {
  assert.throws(() => session({ secret: 'too short' }), /WEFT_WEAK_SECRET/)
  assert.throws(() => session({} as never), /WEFT_WEAK_SECRET/)
  assert.throws(() => cors({ credentials: true }), /WEFT_CORS_WILDCARD_CREDENTIALS/)
  assert.throws(() => rateLimit({ limit: 0 }), /WEFT_BAD_RATE_LIMIT/)
  assert.throws(() => timeout({ ms: -1 }), /WEFT_BAD_TIMEOUT/)
  assert.throws(() => serveStatic({} as never), /WEFT_STATIC_NO_ROOT/)
  assert.throws(
    () =>
      secureHeaders({ contentSecurityPolicy: { directives: { 'script-src': ["'self'; object-src *"] } } }),
    /WEFT_BAD_CSP/,
  )
})
