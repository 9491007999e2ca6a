import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'
import { HttpError } from '../../http/errors.js'
import { clientAddress } from './client-address.js'
import { memoryStore, type RateLimitStore, type WindowCounts } from './store.js'

export { type RedisLike, type RedisStoreOptions, redisStore } from './redis-store.js'
export { memoryStore, type RateLimitStore, type WindowCounts } from './store.js'

export interface RateLimitOptions {
  /** The window in milliseconds. Default 60 000. */
  windowMs?: number
  /** Requests a key may make per window. Default 100. */
  limit?: number
  /**
   * `fixed` (default): counts reset at each window's start. `sliding`: the previous
   * window's count weighs in by how much of it still overlaps, so no burst of 2×limit
   * fits across a boundary.
   */
  algorithm?: 'fixed' | 'sliding'
  /** Where counts live. Default `memoryStore()` (one process); `redisStore()` for many. */
  store?: RateLimitStore
  /** Who is counted. Default the client's address (see `trustProxy`). */
  key?: (ctx: Context) => string | Promise<string>
  /** Take the address from the first X-Forwarded-For hop: only behind a proxy that sets it. Default false. */
  trustProxy?: boolean
  /** Send RateLimit-Limit/-Remaining/-Reset and RateLimit-Policy. Default true. */
  headers?: boolean
}

/**
 * Limits requests per client per window: past the limit, 429 problem+json
 * (`WEFT_RATE_LIMITED`) with Retry-After; every answer carries the RateLimit-* headers.
 * @example app.use('/api', rateLimit({ windowMs: 60_000, limit: 60 }))
 */
export function rateLimit(options: RateLimitOptions = {}): Middleware<Context> {
  const windowMs = options.windowMs ?? 60_000
  const limit = options.limit ?? 100
  if (!(windowMs > 0) || !(limit > 0))
    throw new TypeError('WEFT_BAD_RATE_LIMIT: windowMs and limit must be positive')
  const store = options.store ?? memoryStore()
  const sliding = options.algorithm === 'sliding'
  const key = options.key ?? ((ctx: Context) => clientAddress(ctx, options.trustProxy ?? false))
  const sendHeaders = options.headers ?? true
  const policy = `${limit};w=${Math.ceil(windowMs / 1000)}`

  return async (ctx: Context, next: Next) => {
    const now = Date.now()
    const window = Math.floor(now / windowMs)
    const counts = await store.hit(await key(ctx), window, windowMs)
    const used = sliding ? slidingCount(counts, (now % windowMs) / windowMs) : counts.current
    const remaining = Math.max(0, Math.floor(limit - used))
    const reset = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000))
    if (sendHeaders) {
      ctx.header('ratelimit-limit', limit)
      ctx.header('ratelimit-remaining', remaining)
      ctx.header('ratelimit-reset', reset)
      ctx.header('ratelimit-policy', policy)
    }
    if (used > limit) {
      throw new HttpError(
        429,
        `More than ${limit} requests in ${windowMs / 1000} s; try again in ${reset} s`,
        { code: 'WEFT_RATE_LIMITED', limit, retryAfter: reset },
        { headers: { 'retry-after': String(reset) } },
      )
    }
    return next()
  }
}

/** This window's hits plus the share of the previous window still inside the sliding window. */
function slidingCount(counts: WindowCounts, elapsed: number): number {
  return counts.current + counts.previous * (1 - elapsed)
}
