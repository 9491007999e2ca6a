import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'

export interface RequestIdOptions {
  /** The header read and answered. Default `x-request-id`. */
  header?: string
  /** Makes an id when the request has none (or an unusable one). Default `crypto.randomUUID()`. */
  generate?: (ctx: Context) => string
  /** Keep an id the client (or a proxy) sent, when it looks like one. Default true. */
  trustIncoming?: boolean
}

/** An incoming id is kept only if it is short and plain: it ends up in logs and headers. */
const USABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * Gives each request an id: the incoming `X-Request-Id` when usable, else a new UUID.
 * It is in `ctx.state.requestId`, the answer's header and (with weftjs/logger) every log line.
 * @example app.use(requestId())
 */
export function requestId(options: RequestIdOptions = {}): Middleware<Context> {
  const header = (options.header ?? 'x-request-id').toLowerCase()
  const generate = options.generate ?? (() => crypto.randomUUID())
  const trust = options.trustIncoming ?? true
  return (ctx: Context, next: Next) => {
    const incoming = trust ? ctx.headerValue(header) : undefined
    const id = incoming !== undefined && USABLE_ID.test(incoming) ? incoming : generate(ctx)
    ctx.state.requestId = id
    ctx.header(header, id)
    return next()
  }
}
