import { realpath } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'
import { HttpError } from '../../http/errors.js'
import { setBody } from '../../http/response.js'
import { chooseEncoding } from '../compress/accept-encoding.js'
import { failsPrecondition, isNotModified, requestedRange, type Validators } from './conditional.js'
import { CHUNK, fileStream, readRange } from './file-stream.js'
import { contentType, isCompressedType } from './mime.js'
import { type FileOptions, type FoundFile, fileAt, findFile, pathSegments } from './resolve.js'

export interface StaticOptions {
  /** The folder to serve. Nothing outside it is ever read. */
  root: string
  /** The URL path the folder is mounted at. Default `'/'`. */
  prefix?: string
  /** Cache-Control max-age in seconds. Default 0 (revalidate with the ETag each time). */
  maxAge?: number
  /** Adds `immutable` to Cache-Control: for fingerprinted file names. Default false. */
  immutable?: boolean
  /** The file a directory answers with, or false. Default `'index.html'`. */
  index?: string | false
  /** `ignore` (default): dotfiles do not exist; `deny`: 403; `allow`: served. */
  dotfiles?: FileOptions['dotfiles']
  /** Serve files that symlinks lead to outside the root. Default false. */
  followSymlinks?: boolean
  /** Serve `file.br` / `file.gz` beside `file` to clients that accept them. Default true. */
  precompressed?: boolean
}

/** Precompressed variants by preference: brotli is smaller, gzip is everywhere. */
const ENCODINGS = [
  ['br', '.br'],
  ['gzip', '.gz'],
] as const

/**
 * Serves files from a folder: ETag and Last-Modified with 304, Range (206, 416), HEAD,
 * precompressed variants, streamed with backpressure. A path that is not a file passes
 * on to the routes (`next()`), so it can sit in front of them.
 * @example app.use(serveStatic({ root: './public', prefix: '/assets', maxAge: 3600 }))
 */
export function serveStatic(options: StaticOptions): Middleware<Context> {
  if (typeof options?.root !== 'string' || options.root === '') {
    throw new TypeError('WEFT_STATIC_NO_ROOT: serveStatic({ root }) needs the folder to serve')
  }
  const prefix = options.prefix && options.prefix !== '/' ? options.prefix.replace(/\/+$/, '') : ''
  const fileOptions: FileOptions = {
    dotfiles: options.dotfiles ?? 'ignore',
    followSymlinks: options.followSymlinks ?? false,
  }
  const index = options.index ?? 'index.html'
  const precompressed = options.precompressed ?? true
  const cacheControl = `public, max-age=${Math.max(0, Math.floor(options.maxAge ?? 0))}${options.immutable ? ', immutable' : ''}`
  // The root's real path, found once: every file's real path is compared with it.
  let root: Promise<string> | undefined
  const realRoot = () => (root ??= realpath(resolve(options.root)))

  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next()
    const path = ctx.path
    if (prefix && path !== prefix && !path.startsWith(`${prefix}/`)) return next()
    const segments = pathSegments(path.slice(prefix.length), fileOptions)
    if (segments === null) return next()
    let file = await findFile(realRoot(), segments, fileOptions)
    if (file === null) return next()
    if (file.size === -1) {
      if (index === false) return next()
      file = await findFile(realRoot(), [...segments, index], fileOptions)
      if (file === null || file.size === -1) return next()
      // Relative links in an index page need the trailing slash.
      if (!path.endsWith('/')) return ctx.redirect(`${path}/${ctx.search ? `?${ctx.search}` : ''}`, 301)
    }
    await sendFile(ctx, file, { cacheControl, precompressed, fileOptions, realRoot })
  }
}

interface SendOptions {
  cacheControl: string
  precompressed: boolean
  fileOptions: FileOptions
  realRoot: () => Promise<string>
}

async function sendFile(ctx: Context, file: FoundFile, options: SendOptions): Promise<void> {
  const header = (name: string) => ctx.headerValue(name)
  const type = contentType(file.path)
  let encoding: string | undefined
  if (options.precompressed && !isCompressedType(type)) {
    ctx.header('vary', 'accept-encoding')
    // Ranges index the bytes of one representation; they are served from the plain file.
    if (header('range') === undefined) {
      const variant = await findVariant(ctx, file, options)
      if (variant) [file, encoding] = variant
    }
  }
  const validators: Validators = {
    etag: `"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}${encoding ? `-${encoding}` : ''}"`,
    lastModified: new Date(file.mtimeMs).toUTCString(),
    mtimeMs: file.mtimeMs,
  }
  ctx.header('etag', validators.etag)
  ctx.header('last-modified', validators.lastModified)
  ctx.header('cache-control', options.cacheControl)
  ctx.header('accept-ranges', 'bytes')
  if (failsPrecondition(header, validators))
    throw new HttpError(412, 'The file has changed', { code: 'WEFT_PRECONDITION_FAILED' })
  if (isNotModified(header, validators)) {
    ctx.status(304)
    setBody(ctx.res, null, type)
    return
  }
  if (encoding) ctx.header('content-encoding', encoding)
  const range = requestedRange(header, file.size, validators)
  if (range === 'unsatisfiable') {
    throw new HttpError(
      416,
      `The range is outside the file's ${file.size} bytes`,
      { code: 'WEFT_RANGE_NOT_SATISFIABLE' },
      {
        headers: { 'content-range': `bytes */${file.size}` },
      },
    )
  }
  const start = range ? range.start : 0
  const end = range ? range.end : file.size - 1
  if (range) {
    ctx.status(206)
    ctx.header('content-range', `bytes ${start}-${end}/${file.size}`)
  } else {
    ctx.status(200)
  }
  const length = end - start + 1
  ctx.header('content-length', length)
  // HEAD reads nothing (the lazy stream is never pulled); a small GET is one read.
  const body =
    file.size === 0
      ? new Uint8Array(0)
      : length <= CHUNK && ctx.method === 'GET'
        ? await readRange(file.path, start, end)
        : fileStream(file.path, start, end)
  setBody(ctx.res, body, type)
}

/** The `.br` or `.gz` file beside `file` that the client accepts, if there is one. */
async function findVariant(
  ctx: Context,
  file: FoundFile,
  options: SendOptions,
): Promise<[FoundFile, string] | null> {
  const header = ctx.headerValue('accept-encoding')
  for (const [encoding, extension] of ENCODINGS) {
    if (chooseEncoding(header, [encoding]) === null) continue
    const variant = await fileAt(await options.realRoot(), file.path + extension, options.fileOptions).catch(
      () => null,
    )
    if (variant && variant.size !== -1) return [variant, encoding]
  }
  return null
}
