import type { Context } from '../../http/context.js'

/**
 * The client's address: the socket's on Node; behind a trusted proxy, the first
 * X-Forwarded-For hop. Deno and Bun do not hand the address to the app's fetch, so
 * there a limiter needs `trustProxy` or its own `key`; guessing would put every client
 * in one bucket.
 */
export function clientAddress(ctx: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = ctx.headerValue('x-forwarded-for')
    if (forwarded) return forwarded.split(',')[0].trim()
  }
  const socket = (ctx as { incoming?: { socket?: { remoteAddress?: string } } }).incoming?.socket
  if (socket?.remoteAddress) return socket.remoteAddress
  throw new Error(
    'WEFT_RATE_LIMIT_NO_ADDRESS: the client address is not known on this runtime; pass rateLimit({ key: (ctx) => ... }) or { trustProxy: true } behind a proxy',
  )
}
