// The standard middleware set mounted on the web fixture, one prefix each.
import type { Weft } from 'weftjs'
import { compress } from 'weftjs/compress'
import { cors } from 'weftjs/cors'
import { csrf } from 'weftjs/csrf'
import { etag } from 'weftjs/etag'
import { jwt } from 'weftjs/jwt'
import { logger } from 'weftjs/logger'
import { rateLimit } from 'weftjs/rate-limit'
import { requestId } from 'weftjs/request-id'
import { secureHeaders } from 'weftjs/secure-headers'
import { session, sessionOf } from 'weftjs/session'
import { timeout } from 'weftjs/timeout'

export const SECRET = 'a test secret that is long enough, 32+'
const byClient = (ctx: { headerValue(name: string): string | undefined }) =>
  ctx.headerValue('x-client') ?? 'anon'

export function mountMiddleware(app: Weft<any>): void {
  app.use('/cors/open', cors())
  app.get('/cors/open', () => 'open')
  app.use(
    '/cors/list',
    cors({ origin: ['https://good.example'], credentials: true, exposeHeaders: ['x-total'] }),
  )
  app.get('/cors/list', (ctx) => ctx.header('x-total', '3').text('listed'))
  app.post('/cors/list', () => 'posted')

  app.use('/secure', secureHeaders())
  app.get('/secure/page', (ctx) => ctx.html('<h1>page</h1>'))

  const text = 'all work and no play makes a dull response body. '.repeat(200)
  app.use('/compress', compress())
  app.get('/compress/big', () => ({ text }))
  app.get('/compress/small', () => ({ text: 'short' }))
  app.get('/compress/png', (ctx) => ctx.header('content-type', 'image/png') && new TextEncoder().encode(text))
  app.get('/compress/stream', (ctx) => {
    ctx.header('content-type', 'text/plain; charset=utf-8')
    return new Response(text).body
  })

  app.use('/limited', rateLimit({ windowMs: 60_000, limit: 3, key: byClient }))
  app.get('/limited/x', () => 'ok')
  app.use('/sliding', rateLimit({ windowMs: 60_000, limit: 3, key: byClient, algorithm: 'sliding' }))
  app.get('/sliding/x', () => 'ok')

  app.use('/session', session({ secret: SECRET }))
  app.use('/session', csrf())
  app.get('/session/form', (ctx) => ({
    token: ctx.state.csrfToken,
    user: sessionOf(ctx).get('user') ?? null,
  }))
  app.post('/session/login', (ctx) => {
    const s = sessionOf(ctx)
    s.regenerate()
    s.set('user', 'ann')
    return 'logged in'
  })
  app.post('/session/logout', (ctx) => {
    sessionOf(ctx).destroy()
    return 'logged out'
  })
  app.post('/session/change', () => 'changed')
  app.use('/form-only', csrf())
  app.get('/form-only/form', (ctx) => ({ token: ctx.state.csrfToken }))
  app.post('/form-only/change', () => 'changed')

  app.use('/jwt', jwt({ secret: SECRET, issuer: 'weft-test' }))
  app.get('/jwt/me', (ctx) => ({ sub: (ctx.state.jwt as { sub: string }).sub }))

  app.use('/rid', requestId())
  app.get('/rid', (ctx) => ({ id: ctx.state.requestId }))

  app.use('/slow', timeout({ ms: 150 }))
  app.get('/slow/late', async (ctx) => {
    await new Promise((resolve) => setTimeout(resolve, 2000))
    return `late ${(ctx.state.signal as AbortSignal).aborted}`
  })
  app.get('/slow/quick', () => 'quick')

  app.use('/etag', etag())
  app.get('/etag/page', () => 'a page that rarely changes')

  const lines: unknown[] = []
  const memory = {
    info: (f: object) => lines.push(f),
    warn: (f: object) => lines.push(f),
    error: (f: object) => lines.push(f),
  }
  app.use('/logged', logger({ logger: memory }))
  app.get('/logged/x', (ctx) => {
    ctx.cookies.set('sid', 'server-secret')
    return 'logged'
  })
  app.get('/log-lines', () => lines)
}
