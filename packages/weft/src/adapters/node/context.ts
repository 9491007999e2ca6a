import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { bodyTooLarge, checkDeclaredLength, concatBytes } from '../../http/body.js'
import { Context, type HeadMeasure } from '../../http/context.js'

/** The context for a `node:http` request: nothing of it is copied until asked for. */
export class NodeContext extends Context {
  constructor(
    readonly incoming: IncomingMessage,
    readonly outgoing: ServerResponse,
    bodyLimit: number,
  ) {
    const url = originForm(incoming.url ?? '/')
    const queryStart = url.indexOf('?')
    super(
      incoming.method ?? 'GET',
      queryStart === -1 ? url : url.slice(0, queryStart),
      queryStart === -1 ? '' : url.slice(queryStart + 1),
      bodyLimit,
    )
  }

  get secure(): boolean {
    return (this.incoming.socket as TLSSocket).encrypted === true
  }

  /** Node bounds the head's size itself (`maxHeaderSize`); the count is read off the raw list. */
  head(): HeadMeasure {
    return { count: this.incoming.rawHeaders.length / 2, size: 0 }
  }

  headerValue(name: string): string | undefined {
    const value = this.incoming.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }

  protected allHeaders(): Record<string, string> {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(this.incoming.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
    }
    return headers
  }

  protected readBytes(limit: number): Promise<Uint8Array> {
    return readIncoming(this.incoming, limit)
  }

  protected toRequest(body: ReadableStream<Uint8Array> | undefined): Request {
    const headers = new Headers()
    const raw = this.incoming.rawHeaders
    for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1])
    const hasBody = this.method !== 'GET' && this.method !== 'HEAD'
    return new Request(this.url, {
      method: this.method,
      headers,
      body: hasBody ? (body ?? limitedStream(this.incoming, this.bodyLimit)) : null,
      duplex: 'half',
    } as RequestInit)
  }
}

/**
 * Collects the body, failing with 413 as soon as it passes the limit (or the announced
 * length does). Reading stops there, and the stream is paused, not destroyed: the answer
 * closes the connection after reading and dropping what the client still sends (see
 * linger.ts). Three listeners, left on the spent stream once it settles (removing them
 * costs more than it saves on every validated request); a client that leaves mid-body
 * destroys the stream, which Node reports as an 'error'.
 */
function readIncoming(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    try {
      checkDeclaredLength(incoming.headers['content-length'], limit)
    } catch (error) {
      return reject(error)
    }
    const chunks: Uint8Array[] = []
    let size = 0
    let settled = false
    incoming.on('data', (chunk: Buffer) => {
      if (settled) return
      size += chunk.byteLength
      if (size > limit) {
        settled = true
        incoming.pause()
        return reject(bodyTooLarge(limit))
      }
      chunks.push(chunk)
    })
    incoming.on('end', () => {
      if (settled) return
      settled = true
      resolve(concatBytes(chunks, size))
    })
    incoming.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return
      settled = true
      reject(clientError(error))
    })
  })
}

/**
 * The body as a Web stream that errors with 413 past the limit. Built on the Node
 * stream's own events rather than `Readable.toWeb`, whose stream, once errored, destroys
 * the request: this one pauses it, as `readIncoming` does, so the rest of the upload can
 * still be dropped before the connection closes.
 */
function limitedStream(incoming: IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  checkDeclaredLength(incoming.headers['content-length'], limit)
  let size = 0
  let open = true
  const stop = () => {
    open = false
    incoming.pause()
  }
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        incoming.on('data', (chunk: Buffer) => {
          if (!open) return
          size += chunk.byteLength
          if (size > limit) {
            stop()
            return controller.error(bodyTooLarge(limit))
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
          if ((controller.desiredSize ?? 0) <= 0) incoming.pause()
        })
        incoming.on('end', () => {
          if (!open) return
          open = false
          controller.close()
        })
        incoming.on('error', (error: NodeJS.ErrnoException) => {
          if (!open) return
          stop()
          controller.error(clientError(error))
        })
        // Flowing only while the reader wants more (`pull`).
        incoming.pause()
      },
      pull() {
        if (open) incoming.resume()
      },
      cancel: stop,
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  )
}

function clientError(error: NodeJS.ErrnoException): Error {
  return error.code === 'ECONNRESET'
    ? new Error('WEFT_CLIENT_ABORTED: the client closed the connection mid-body')
    : error
}

/**
 * A proxy-style absolute-form target (`GET http://host/path`) as its path, which RFC
 * 9112 asks servers to accept; anything else not starting with "/" stays as sent, for
 * the app to refuse.
 */
function originForm(target: string): string {
  if (target.charCodeAt(0) === 47 || !/^https?:\/\//i.test(target)) return target
  const pathStart = target.indexOf('/', target.indexOf('//') + 2)
  return pathStart === -1 ? '/' : target.slice(pathStart)
}
