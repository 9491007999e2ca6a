import { untrusted } from '../schema/untrusted.js'
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
    throw new HttpError(415, `Unsupported charset "${match[1]}"; send UTF-8`, {
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
export function parseBytes(bytes: Uint8Array, kind: BodyKind): unknown {
  if (kind === 'bytes') return bytes
  const text = decodeUtf8(bytes)
  if (kind === 'text') return text
  if (kind === 'form') return parseFormText(text)
  return parseJson(text)
}

/**
 * JSON.parse, refusing `__proto__` keys and `constructor.prototype`: harmless as parsed,
 * they poison any object the value is later merged into.
 */
export function parseJson(text: string): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new HttpError(400, `Malformed JSON: ${(error as Error).message}`, { code: 'WEFT_MALFORMED_JSON' })
  }
  // The scan only runs when a suspicious key could be present (escapes included).
  if (text.includes('__proto__') || text.includes('constructor') || text.includes('\\u'))
    assertNoPoison(value)
  // Only a key with "$" can be a query operator: without one there is nothing to mark.
  return text.includes('$') ? untrusted(value) : value
}

function assertNoPoison(value: unknown): void {
  if (typeof value !== 'object' || value === null) return
  if (Array.isArray(value)) {
    for (const item of value) assertNoPoison(item)
    return
  }
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key]
    const poisoned =
      key === '__proto__' ||
      (key === 'constructor' &&
        typeof member === 'object' &&
        member !== null &&
        Object.hasOwn(member, 'prototype'))
    if (poisoned) {
      throw new HttpError(400, `The JSON body holds a forbidden "${key}" key`, {
        code: 'WEFT_PROTOTYPE_POLLUTION',
      })
    }
    assertNoPoison(member)
  }
}

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
  return result
}

function decodeComponent(text: string): string {
  const plain = text.includes('+') ? text.replace(/\+/g, ' ') : text
  if (!plain.includes('%')) return plain
  try {
    return decodeURIComponent(plain)
  } catch {
    throw new HttpError(400, `Malformed percent-encoding in "${text}"`, { code: 'WEFT_BAD_ENCODING' })
  }
}
