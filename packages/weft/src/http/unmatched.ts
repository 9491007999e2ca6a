import type { Context } from './context.js'
import { routingError } from './errors.js'

/** 405 with `Allow` when another method has the path (`allowed`), an OPTIONS answer, or 404. */
export function answerUnmatched(ctx: Context<any>, allowed: string[]): void {
  if (allowed.length === 0) {
    throw routingError(404, `No route for ${ctx.method} ${ctx.path}`, { code: 'WEFT_NOT_FOUND' })
  }
  if (allowed.includes('GET')) allowed.push('HEAD')
  const allow = [...new Set([...allowed, 'OPTIONS'])].join(', ')
  if (ctx.method === 'OPTIONS') {
    ctx.header('allow', allow)
    ctx.res.status = 204
    return
  }
  throw routingError(
    405,
    `${ctx.method} is not allowed on ${ctx.path}; use ${allow}`,
    { code: 'WEFT_METHOD_NOT_ALLOWED' },
    { headers: { allow } },
  )
}
