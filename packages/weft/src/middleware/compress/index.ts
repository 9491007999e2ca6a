import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'
import { isBodiless } from '../../http/response.js'
import { isCompressedType } from '../static/mime.js'
import { chooseEncoding } from './accept-encoding.js'

export interface CompressOptions {
  /** Bodies smaller than this many bytes go as they are. Default 1024. */
  threshold?: number
  /** Encodings offered, in order of preference. Default `['br', 'gzip']`. */
  encodings?: readonly ('br' | 'gzip')[]
  /** Brotli quality 0-11. Default 4: most of the gain for a fraction of 11's CPU. */
  brotliQuality?: number
}

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)
const encoder = new TextEncoder()

/**
 * Compresses answers with brotli or gzip as the client accepts (node:zlib, which Node,
 * Deno and Bun all provide; streams through the standard CompressionStream). Skips small
 * bodies, types already compressed (images, video, archives), answers with their own
 * Content-Encoding and `Cache-Control: no-transform`.
 * @example app.use(compress({ threshold: 2048 }))
 */
export function compress(options: CompressOptions = {}): Middleware<Context> {
  const threshold = options.threshold ?? 1024
  const offered = options.encodings ?? ['br', 'gzip']
  const quality = options.brotliQuality ?? 4
  return async (ctx: Context, next: Next) => {
    await next()
    const res = ctx.res
    if (res.response || res.body === null || isBodiless(res.status || 200)) return
    const type = String(res.headers['content-type'] ?? '')
    if (!type || isCompressedType(type) || res.headers['content-encoding'] !== undefined) return
    if (/no-transform/.test(String(res.headers['cache-control'] ?? ''))) return
    ctx.header('vary', 'accept-encoding', { append: true })
    const encoding = chooseEncoding(ctx.headerValue('accept-encoding'), offered)
    if (!encoding) return
    const body = res.body
    if (body instanceof ReadableStream) {
      const declared = Number(res.headers['content-length'] ?? Number.POSITIVE_INFINITY)
      // A stream goes through the standard CompressionStream, which every runtime has for gzip.
      if (declared < threshold || !offered.includes('gzip') || !acceptsGzip(ctx)) return
      res.body = body.pipeThrough(
        new CompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
      )
      finish(ctx, 'gzip')
      return
    }
    const bytes = typeof body === 'string' ? encoder.encode(body) : body
    if (bytes.byteLength < threshold) return
    res.body = new Uint8Array(
      encoding === 'br'
        ? await brotli(bytes, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: quality,
              [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
            },
          })
        : await gzipAsync(bytes),
    )
    finish(ctx, encoding)
  }
}

function finish(ctx: Context, encoding: string): void {
  const headers = ctx.res.headers
  headers['content-encoding'] = encoding
  delete headers['content-length']
  // The bytes changed, so a strong validator would lie.
  const etag = headers.etag
  if (typeof etag === 'string' && !etag.startsWith('W/')) headers.etag = `W/${etag}`
}

function acceptsGzip(ctx: Context): boolean {
  return chooseEncoding(ctx.headerValue('accept-encoding'), ['gzip']) === 'gzip'
}
