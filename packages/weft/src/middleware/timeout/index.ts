import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'
import { HttpError } from '../../http/errors.js'

export interface TimeoutOptions {
  /** Milliseconds a request's handlers may take. */
  ms: number
  /** The status of the answer past it. Default 503 (the server is slow, not the client). */
  status?: number
}

/**
 * Answers 503 (problem+json, `WEFT_TIMEOUT`) when the handlers take longer than `ms`, and
 * aborts `ctx.state.signal` so work in flight (fetch, queries that take a signal) stops.
 * @example app.use(timeout({ ms: 5000 }))
 */
export function timeout(options: TimeoutOptions): Middleware<Context> {
  if (!(options?.ms > 0))
    throw new TypeError('WEFT_BAD_TIMEOUT: timeout({ ms }) takes a positive number of milliseconds')
  const status = options.status ?? 503
  return async (ctx: Context, next: Next) => {
    const controller = new AbortController()
    ctx.state.signal = controller.signal
    let timer: ReturnType<typeof setTimeout> | undefined
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new HttpError(status, `The request took longer than ${options.ms} ms`, {
          code: 'WEFT_TIMEOUT',
        })
        controller.abort(error)
        reject(error)
      }, options.ms)
    })
    try {
      await Promise.race([next(), expired])
    } finally {
      clearTimeout(timer)
    }
  }
}
