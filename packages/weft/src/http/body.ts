import { inspectParsed, mayNeedInspection, untrusted } from '../shared/untrusted.js'
import { HttpError } from './errors.js'
import type { BodyKind } from './types.js'

export function bodyTooLarge(limit: number): HttpError {
  return new HttpError(413, `The request body is larger than the limit of ${limit} bytes`, {
    code: 'WEFT_BODY_TOO_LARGE',
    limit,
  })
}

/** Refuses up front a body whose announced length is over the limit. */
export function checkDeclaredLength(contentLength: string | null | undefined, limit: number): void {
  if (contentLength && Number(contentLength) > limit) throw bodyTooLarge(limit)
}

/** Reads a Web stream to its end, failing with 413 the moment it passes the limit. */
export async function readStream(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0)
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw bodyTooLarge(limit)
    }
    chunks.push(value)
  }
  return concatBytes(chunks, size)
}

/** A Web stream that errors with 413 the moment more than `limit` bytes have passed. */
export function limitStream(stream: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  let size = 0
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength
        if (size > limit) controller.error(bodyTooLarge(limit))
        else controller.enqueue(chunk)
      },
    }),
  )
}

export function concatBytes(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** Which parser a content type calls for; null when there is no content type. */
export function bodyKind(contentType: string | null | undefined): BodyKind | null {
  if (!contentType) return null
  const semi = contentType.indexOf(';')
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
  if (type === 'application/json' || type.endsWith('+json')) return 'json'
  if (type === 'application/x-www-form-urlencoded') return 'form'
  if (type === 'multipart/form-data') return 'multipart'
  if (type.startsWith('text/')) return 'text'
  return 'bytes'
}

/** Text bodies must be UTF-8: another declared charset is refused rather than misread. */
export function checkCharset(contentType: string): void {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)
  if (match && !/^utf-?8$/i.test(match[1])) {
    throw new HttpError(415, `Unsupported charset ${excerpt(match[1])}; send UTF-8`, {
      code: 'WEFT_UNSUPPORTED_CHARSET',
    })
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new HttpError(400, 'The request body is not valid UTF-8', { code: 'WEFT_BAD_ENCODING' })
  }
}

/** Parses a body by its kind; a body that cannot be parsed answers 400. */
export function parseBytes(bytes: Uint8Array, kind: BodyKind, maxDepth = DEFAULT_JSON_DEPTH): unknown {
  if (kind === 'bytes') return bytes
  const text = decodeUtf8(bytes)
  if (kind === 'text') return text
  if (kind === 'form') return parseFormText(text)
  return parseJson(text, maxDepth)
}

/** How deep a JSON body may nest (objects and arrays) unless `limits.bodyDepth` says otherwise. */
export const DEFAULT_JSON_DEPTH = 256

/**
 * JSON.parse, then one check of the value before any code sees it: nesting past
 * `maxDepth` answers 400, `__proto__` keys and `constructor.prototype` are refused
 * (harmless as parsed, they poison any object the value is later merged into), and a
 * value holding a key that starts with `$` is marked `untrusted()`, so `weftjs/data`
 * refuses it as a query operator.
 */
export function parseJson(text: string, maxDepth = DEFAULT_JSON_DEPTH): unknown {
  // A text shorter than the limit cannot nest past it; a longer one is measured before
  // parsing, so no runtime's parser is handed a stack-breaking document.
  if (text.length > maxDepth && nestingExceeds(text, maxDepth)) throw tooDeep(maxDepth)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new HttpError(400, `Malformed JSON: ${bounded((error as Error).message)}`, {
      code: 'WEFT_MALFORMED_JSON',
    })
  }
  // JSON spells "$" only as itself or as a \u escape, and the poison keys likewise: a
  // text holding none of them has nothing to refuse or mark, and skips the walk.
  if (typeof value === 'object' && value !== null && mayNeedInspection(text)) {
    const found = inspectParsed(value)
    if (found.forbidden) {
      throw new HttpError(400, `The JSON body holds a forbidden "${found.forbidden}" key`, {
        code: 'WEFT_PROTOTYPE_POLLUTION',
      })
    }
    if (found.dollar) untrusted(value)
  }
  return value
}

function tooDeep(maxDepth: number): HttpError {
  return new HttpError(400, `The JSON body nests deeper than ${maxDepth} levels`, {
    code: 'WEFT_BODY_TOO_DEEP',
    limit: maxDepth,
  })
}

/** Whether brackets outside strings nest past `maxDepth`: one pass, no allocation. */
function nestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) return true
    } else if (c === 125 || c === 93) depth--
  }
  return false
}

/**
 * Refuses prototype-poisoning keys; true when some key starts with "$". Walks with its
 * own stack: the depth was bounded before parsing, but recursion is not needed anyway.
 */

/**
 * `a=1&b=2&a=3` as `{ a: ['1', '3'], b: '2' }`, in an object with no prototype so no key
 * can reach Object.prototype. Malformed percent-encoding answers 400.
 */
export function parseFormText(text: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null)
  if (text === '') return result
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('&', start)
    if (end === -1) end = text.length
    if (end > start) {
      const eq = text.indexOf('=', start)
      const split = eq === -1 || eq > end ? end : eq
      const key = decodeComponent(text.slice(start, split))
      const value = split === end ? '' : decodeComponent(text.slice(split + 1, end))
      const existing = result[key]
      if (existing === undefined) result[key] = value
      else if (Array.isArray(existing)) existing.push(value)
      else result[key] = [existing, value]
    }
    start = end + 1
  }
  // Only a "$" key can be read as a query operator: such a form (or query) is marked.
  for (const key in result) {
    if (key.charCodeAt(0) === 36) return untrusted(result)
  }
  return result
}

function decodeComponent(text: string): string {
  const plain = text.includes('+') ? text.replace(/\+/g, ' ') : text
  if (!plain.includes('%')) return plain
  try {
    return decodeURIComponent(plain)
  } catch {
    throw new HttpError(400, `Malformed percent-encoding in ${excerpt(text)}`, { code: 'WEFT_BAD_ENCODING' })
  }
}

/**
 * At most 32 characters of client input, quoted and escaped: enough to find the
 * mistake, too little to reflect a payload back.
 */
export function excerpt(text: string): string {
  return `"${escapeCut(text, 32)}"`
}

/** A runtime's message about the input, cut short and escaped: parsers quote what they choke on. */
function bounded(message: string): string {
  return escapeCut(message, 120)
}

/** The first `max` characters, anything outside printable ASCII (and quotes, angle brackets) as \u escapes. */
function escapeCut(text: string, max: number): string {
  const cut = text.length > max ? `${text.slice(0, max)}...` : text
  return cut.replace(/[^\x20-\x7e]|["\\<>]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
