import type { Context } from './context.js'
import { type HttpError, routingError } from './errors.js'

/**
 * The answer when no route matched: a 405 with `Allow` when another method has the path
 * (`allowed`), an OPTIONS answer (set in place; null is returned), or a 404. The error is
 * returned, not thrown: throwing was a tenth of a 404's time.
 */
export function unmatchedError(ctx: Context<any>, allowed: string[]): HttpError | null {
  if (allowed.length === 0) {
    return routingError(404, `No route for ${ctx.method} ${ctx.path}`, { code: 'WEFT_NOT_FOUND' })
  }
  if (allowed.includes('GET')) allowed.push('HEAD')
  const allow = [...new Set([...allowed, 'OPTIONS'])].join(', ')
  if (ctx.method === 'OPTIONS') {
    ctx.header('allow', allow)
    ctx.res.status = 204
    return null
  }
  return routingError(
    405,
    `${ctx.method} is not allowed on ${ctx.path}; use ${allow}`,
    { code: 'WEFT_METHOD_NOT_ALLOWED' },
    { headers: { allow } },
  )
}
