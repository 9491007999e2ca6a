import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'

export interface EtagOptions {
  /** Weak validators (`W/"..."`): right when the same content may be encoded differently. Default false. */
  weak?: boolean
}

const encoder = new TextEncoder()

/**
 * Adds an ETag (a SHA-1 of the body) to 200 answers of GET and HEAD whose body is a string
 * or bytes, and answers 304 when the request's If-None-Match holds it: the client keeps
 * its copy and no body is sent. Streams and answers that already carry an ETag pass as is.
 * @example app.use(etag())
 */
export function etag(options: EtagOptions = {}): Middleware<Context> {
  return async (ctx: Context, next: Next) => {
    await next()
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return
    const res = ctx.res
    const body = res.body
    if ((res.status || 200) !== 200 || res.headers.etag !== undefined || res.response) return
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) return
    const bytes = typeof body === 'string' ? encoder.encode(body) : body
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', bytes as Uint8Array<ArrayBuffer>))
    const tag = `${options.weak ? 'W/' : ''}"${bytes.byteLength.toString(16)}-${base64url(digest)}"`
    ctx.header('etag', tag)
    const noneMatch = ctx.headerValue('if-none-match')
    if (noneMatch && matches(noneMatch, tag)) {
      ctx.status(304)
      res.body = null
    }
  }
}

function matches(list: string, tag: string): boolean {
  const bare = tag.replace(/^W\//, '')
  return list.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === bare)
}

function base64url(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
