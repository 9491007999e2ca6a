import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'

/** Which origins may read answers: `'*'`, one origin, a list, a pattern, or a function. */
export type CorsOrigin =
  | '*'
  | string
  | readonly (string | RegExp)[]
  | RegExp
  | ((origin: string, ctx: Context) => boolean | Promise<boolean>)

export interface CorsOptions {
  /** Default `'*'`: any origin may read, without credentials. */
  origin?: CorsOrigin
  /** Methods a preflight allows. Default GET, HEAD, PUT, POST, DELETE, PATCH. */
  methods?: readonly string[]
  /** Request headers a preflight allows. Default: the ones the preflight asks for. */
  allowHeaders?: readonly string[]
  /** Response headers scripts may read beyond the safelisted ones. */
  exposeHeaders?: readonly string[]
  /** Send cookies and auth: requires an origin other than `'*'`. Default false. */
  credentials?: boolean
  /** Seconds a browser may cache a preflight. Default 600. */
  maxAge?: number
}

/**
 * Cross-origin resource sharing: answers preflights and marks answers readable by the
 * origins allowed. An origin not allowed gets no `Access-Control-Allow-Origin`, so the
 * browser keeps the answer from its scripts.
 * @example app.use(cors({ origin: ['https://app.example.com'], credentials: true }))
 */
export function cors(options: CorsOptions = {}): Middleware<Context> {
  const origin = options.origin ?? '*'
  const credentials = options.credentials ?? false
  if (credentials && origin === '*') {
    throw new TypeError(
      "WEFT_CORS_WILDCARD_CREDENTIALS: cors({ credentials: true }) needs the allowed origins; '*' would let any site act as the user",
    )
  }
  const methods = (options.methods ?? ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH']).join(', ')
  const expose = options.exposeHeaders?.join(', ')
  const maxAge = String(options.maxAge ?? 600)
  const allowed = originMatcher(origin)

  return async (ctx: Context, next: Next) => {
    const requestOrigin = ctx.headerValue('origin')
    const preflight =
      ctx.method === 'OPTIONS' && ctx.headerValue('access-control-request-method') !== undefined
    if (origin !== '*') ctx.header('vary', 'origin', { append: true })
    const ok = requestOrigin !== undefined && (await allowed(requestOrigin, ctx))
    if (ok) {
      ctx.header('access-control-allow-origin', origin === '*' ? '*' : requestOrigin)
      if (credentials) ctx.header('access-control-allow-credentials', 'true')
      if (expose && !preflight) ctx.header('access-control-expose-headers', expose)
    }
    if (!preflight) return next()
    if (ok) {
      ctx.header('access-control-allow-methods', methods)
      const headers = options.allowHeaders?.join(', ') ?? ctx.headerValue('access-control-request-headers')
      if (headers) ctx.header('access-control-allow-headers', headers)
      if (!options.allowHeaders) ctx.header('vary', 'access-control-request-headers', { append: true })
      ctx.header('access-control-max-age', maxAge)
    }
    ctx.status(204)
  }
}

function originMatcher(origin: CorsOrigin): (value: string, ctx: Context) => boolean | Promise<boolean> {
  if (origin === '*') return () => true
  if (typeof origin === 'function') return origin
  if (typeof origin === 'string') return (value) => value === origin
  if (origin instanceof RegExp) return (value) => origin.test(value)
  return (value) => origin.some((o) => (typeof o === 'string' ? o === value : o.test(value)))
}
