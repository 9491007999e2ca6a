/**
 * Content types by extension for the files a site serves. Short on purpose: what is not
 * here goes out as application/octet-stream, which a browser downloads rather than runs.
 */
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  webmanifest: 'application/manifest+json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  pdf: 'application/pdf',
  wasm: 'application/wasm',
  zip: 'application/zip',
  gz: 'application/gzip',
  br: 'application/x-brotli',
}

/** The Content-Type for a file name. @example contentType('app.css') // 'text/css; charset=utf-8' */
export function contentType(name: string): string {
  const dot = name.lastIndexOf('.')
  return (dot === -1 ? undefined : TYPES[name.slice(dot + 1).toLowerCase()]) ?? 'application/octet-stream'
}

/** Types whose bytes are already compressed: gzip or brotli would only cost CPU. */
export function isCompressedType(type: string): boolean {
  return /^(image\/(?!svg)|video\/|audio\/|font\/woff|application\/(zip|gzip|x-brotli|pdf|wasm|octet-stream))/.test(
    type,
  )
}
