import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'
import { consoleLogger, type Logger } from '../../http/logger.js'
import { finalStatus } from '../../http/response.js'

export interface AccessLogOptions {
  /** pino or anything of its shape. Default: JSON lines on stderr. */
  logger?: Logger
  /** Header names whose values are replaced by `[Redacted]`; added to the defaults. */
  redact?: readonly string[]
  /** Log request headers at all. Default true. */
  headers?: boolean
}

/** Credentials never reach a log line. */
const ALWAYS_REDACTED = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-csrf-token',
]

/**
 * One access-log line per request in pino-http's shape (`req`, `res`, `responseTime`,
 * message `request completed`): info below 400, warn for 4xx, error for 5xx. Auth
 * headers and cookies are redacted, in requests and answers.
 * @example app.use(logger({ logger: pino() }))
 */
export function logger(options: AccessLogOptions = {}): Middleware<Context> {
  const log = options.logger ?? consoleLogger
  const redacted = new Set([...ALWAYS_REDACTED, ...(options.redact ?? []).map((h) => h.toLowerCase())])
  const withHeaders = options.headers ?? true
  const clean = (headers: Record<string, string | string[]>) => {
    const copy: Record<string, string | string[]> = {}
    for (const name in headers) copy[name] = redacted.has(name) ? '[Redacted]' : headers[name]
    return copy
  }
  return async (ctx: Context, next: Next) => {
    const started = performance.now()
    try {
      await next()
    } finally {
      const status = ctx.res.response ? ctx.res.response.status : finalStatus(ctx.res)
      const fields = {
        req: {
          id: ctx.state.requestId,
          method: ctx.method,
          url: ctx.search ? `${ctx.path}?${ctx.search}` : ctx.path,
          ...(withHeaders ? { headers: clean(ctx.headers as Record<string, string>) } : {}),
        },
        res: { statusCode: status, ...(withHeaders ? { headers: clean(ctx.res.headers) } : {}) },
        responseTime: Math.round((performance.now() - started) * 1000) / 1000,
      }
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info'
      log[level](fields, 'request completed')
    }
  }
}
