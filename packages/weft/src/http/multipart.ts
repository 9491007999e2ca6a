import { untrusted } from '../shared/untrusted.js'
import { HttpError } from './errors.js'

/** Where an uploaded file's bytes go as they arrive; `close` gives the value the body holds. */
export interface FileSink {
  write(chunk: Uint8Array): void | Promise<void>
  close(): unknown | Promise<unknown>
  /** The upload failed part-way (a limit, a broken body): drop what was written. */
  abort(reason: unknown): void | Promise<void>
}

export interface UploadedFileInfo {
  field: string
  filename: string
  type: string
}

/** Makes the sink for each file: memory by default, disk with `diskStorage()` from weftjs/uploads. */
export type FileStorage = (file: UploadedFileInfo) => FileSink | Promise<FileSink>

/** Limits and storage for `multipart/form-data`; every limit is checked while the body streams. */
export interface MultipartOptions {
  /** Largest file, in bytes. Default 10 MiB (and never more than the body limit). */
  maxFileSize?: number
  /** Most files in one body. Default 10. */
  maxFiles?: number
  /** Most plain fields. Default 100. */
  maxFields?: number
  /** Largest plain field value, in bytes. Default 64 KiB. */
  maxFieldSize?: number
  /** Where files go. Default: memory, as Web `File` objects. */
  storage?: FileStorage
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const CRLFCRLF = encoder.encode('\r\n\r\n')

function tooLarge(message: string, code: string): HttpError {
  return new HttpError(413, message, { code })
}

function malformed(message: string): HttpError {
  return new HttpError(400, `Malformed multipart body: ${message}`, { code: 'WEFT_BAD_MULTIPART' })
}

/** A File in memory: the default storage. */
export const memoryStorage: FileStorage = (info) => {
  const chunks: Uint8Array[] = []
  return {
    write: (chunk) => {
      chunks.push(chunk.slice())
    },
    close: () => new File(chunks as BlobPart[], info.filename, { type: info.type }),
    abort: () => {
      chunks.length = 0
    },
  }
}

/**
 * Parses a multipart/form-data stream part by part. File bytes go to their sink as they
 * arrive and the next chunk is read only once the sink took the last (backpressure);
 * each limit stops the upload the moment it is passed.
 */
export async function parseMultipart(
  body: ReadableStream<Uint8Array> | null,
  contentType: string,
  bodyLimit: number,
  options: MultipartOptions = {},
): Promise<Record<string, unknown>> {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  if (!boundary) throw malformed('the content type has no boundary')
  const limits = {
    file: Math.min(options.maxFileSize ?? 10 * 1024 * 1024, bodyLimit),
    files: options.maxFiles ?? 10,
    fields: options.maxFields ?? 100,
    field: options.maxFieldSize ?? 64 * 1024,
  }
  const storage = options.storage ?? memoryStorage
  const delimiter = encoder.encode(`\r\n--${boundary[1] ?? boundary[2]}`)
  const result: Record<string, unknown> = Object.create(null)
  if (!body) return result
  const reader = body.getReader()
  // The body is read as if preceded by CRLF, so the first boundary looks like every other.
  let buffer: Uint8Array = encoder.encode('\r\n')
  let done = false
  const more = async (): Promise<boolean> => {
    if (done) return false
    const next = await reader.read()
    if (next.done) {
      done = true
      return false
    }
    buffer = concat(buffer, next.value)
    return true
  }
  let files = 0
  let fields = 0
  let sink: FileSink | null = null
  try {
    // Find the first delimiter, skipping any preamble.
    for (;;) {
      const at = indexOf(buffer, delimiter, 0)
      if (at !== -1) {
        buffer = buffer.subarray(at + delimiter.length)
        break
      }
      buffer = buffer.subarray(Math.max(0, buffer.length - delimiter.length))
      if (!(await more())) throw malformed('no boundary found')
    }
    for (;;) {
      while (buffer.length < 2) if (!(await more())) throw malformed('it ends inside a boundary')
      if (buffer[0] === 45 && buffer[1] === 45) return markDollarFields(result) // "--": the closing delimiter
      let headEnd = indexOf(buffer, CRLFCRLF, 0)
      while (headEnd === -1) {
        if (buffer.length > 16 * 1024) throw malformed('part headers are too long')
        if (!(await more())) throw malformed('it ends inside part headers')
        headEnd = indexOf(buffer, CRLFCRLF, 0)
      }
      const head = parsePartHead(decoder.decode(buffer.subarray(0, headEnd)))
      buffer = buffer.subarray(headEnd + 4)
      const isFile = head.filename !== undefined
      if (isFile && ++files > limits.files)
        throw tooLarge(`More than ${limits.files} files`, 'WEFT_TOO_MANY_FILES')
      if (!isFile && ++fields > limits.fields)
        throw tooLarge(`More than ${limits.fields} fields`, 'WEFT_TOO_MANY_FIELDS')
      const max = isFile ? limits.file : limits.field
      sink = isFile ? await storage({ field: head.name, filename: head.filename!, type: head.type }) : null
      const fieldChunks: Uint8Array[] = []
      let size = 0
      const take = async (chunk: Uint8Array) => {
        size += chunk.length
        if (size > max) {
          throw isFile
            ? tooLarge(`The file "${head.filename}" is larger than ${max} bytes`, 'WEFT_FILE_TOO_LARGE')
            : tooLarge(`The field "${head.name}" is larger than ${max} bytes`, 'WEFT_FIELD_TOO_LARGE')
        }
        if (sink) await sink.write(chunk)
        else fieldChunks.push(chunk.slice())
      }
      // Stream the part's content up to the next delimiter, holding back only what could be its start.
      for (;;) {
        const at = indexOf(buffer, delimiter, 0)
        if (at !== -1) {
          if (at > 0) await take(buffer.subarray(0, at))
          buffer = buffer.subarray(at + delimiter.length)
          break
        }
        const safe = buffer.length - delimiter.length
        if (safe > 0) {
          await take(buffer.subarray(0, safe))
          buffer = buffer.subarray(safe)
        }
        if (!(await more())) throw malformed('it ends inside a part')
      }
      const value = sink ? await sink.close() : decoder.decode(concatAll(fieldChunks))
      sink = null
      addValue(result, head.name, value)
      // After a delimiter: "--" ends the body, CRLF starts the next part.
      while (buffer.length < 2) if (!(await more())) throw malformed('it ends after a boundary')
      if (buffer[0] === 13 && buffer[1] === 10) buffer = buffer.subarray(2)
    }
  } catch (error) {
    await sink?.abort(error)
    await reader.cancel().catch(() => {})
    throw error
  }
}

/** A field named like `$where` marks the form untrusted, as urlencoded forms are (see weftjs/data). */
function markDollarFields(result: Record<string, unknown>): Record<string, unknown> {
  for (const key in result) if (key.charCodeAt(0) === 36) return untrusted(result)
  return result
}

function parsePartHead(text: string): { name: string; filename?: string; type: string } {
  let disposition = ''
  let type = 'text/plain'
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim().toLowerCase()
    if (name === 'content-disposition') disposition = line.slice(colon + 1)
    else if (name === 'content-type') type = line.slice(colon + 1).trim()
  }
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1]
  if (name === undefined) throw malformed('a part has no name')
  if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
    throw new HttpError(400, `The form holds a forbidden "${name}" field`, {
      code: 'WEFT_PROTOTYPE_POLLUTION',
    })
  }
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1]
  // Only the last path segment of a file name: "../../etc/passwd" is "passwd".
  return { name, filename: filename?.split(/[/\\]/).pop(), type }
}

function addValue(result: Record<string, unknown>, name: string, value: unknown): void {
  const existing = result[name]
  if (existing === undefined) result[name] = value
  else if (Array.isArray(existing)) existing.push(value)
  else result[name] = [existing, value]
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]
  const last = haystack.length - needle.length
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1
    while (j < needle.length && haystack[i + j] === needle[j]) j++
    if (j === needle.length) return i
  }
  return -1
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

function concatAll(chunks: Uint8Array[]): Uint8Array {
  return chunks.reduce(concat, new Uint8Array(0))
}
