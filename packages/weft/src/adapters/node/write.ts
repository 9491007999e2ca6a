import type { ServerResponse } from 'node:http'
import type { ResponseState } from '../../http/response.js'
import { finalStatus, isBodiless } from '../../http/response.js'

/**
 * Writes the response state straight to `node:http`: no Web Response on this path.
 * `sendTimeout` bounds how long a client may leave written bytes unread: past it the
 * socket is closed and a streamed body's source cancelled.
 */
export function writeResponse(
  res: ResponseState,
  out: ServerResponse,
  head: boolean,
  sendTimeout: number,
): void | Promise<void> {
  if (res.response) return writeWebResponse(res, out, head, sendTimeout)
  const status = finalStatus(res)
  const headers = res.headers
  const body = res.body
  if (isBodiless(status)) {
    out.writeHead(status, headers)
    out.end()
    return
  }
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    const length = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
    headers['content-length'] = String(length)
    out.writeHead(status, headers)
    if (head || body === null) out.end()
    else {
      out.end(body)
      // A body larger than the socket buffer waits on the client to read it.
      if (!out.writableFinished) closeIfUnsent(out, sendTimeout)
    }
    return
  }
  out.writeHead(status, headers)
  if (head) {
    out.end()
    return body.cancel()
  }
  return pipeStream(body, out, sendTimeout)
}

async function writeWebResponse(
  res: ResponseState,
  out: ServerResponse,
  head: boolean,
  sendTimeout: number,
): Promise<void> {
  const response = res.response!
  const headers: Record<string, string | string[]> = { ...res.headers }
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') continue
    headers[name] = value
  }
  const cookies = [...toArray(res.headers['set-cookie']), ...response.headers.getSetCookie()]
  if (cookies.length > 0) headers['set-cookie'] = cookies
  out.writeHead(response.status, headers)
  if (head || !response.body || isBodiless(response.status)) {
    out.end()
    await response.body?.cancel()
    return
  }
  await pipeStream(response.body, out, sendTimeout)
}

function toArray(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/**
 * Streams a body with backpressure: waits for 'drain' whenever the socket buffer is
 * full, and cancels the source when the client goes away or stops reading for
 * `sendTimeout` ms (the socket is closed then too).
 */
async function pipeStream(
  stream: ReadableStream<Uint8Array>,
  out: ServerResponse,
  sendTimeout: number,
): Promise<void> {
  const reader = stream.getReader()
  let closed = false
  const onClose = () => {
    closed = true
    reader.cancel().catch(() => {})
  }
  out.once('close', onClose)
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done || closed) break
      if (!out.write(value) && !(await drained(out, sendTimeout))) {
        onClose()
        out.destroy()
        break
      }
    }
    if (!closed) {
      out.end()
      if (!out.writableFinished) closeIfUnsent(out, sendTimeout)
    }
  } catch (error) {
    out.destroy(error as Error)
  } finally {
    out.off('close', onClose)
  }
}

/** True once the socket drains (or closes); false when `timeout` ms pass first. */
function drained(out: ServerResponse, timeout: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer)
      out.off('drain', onDrain)
      out.off('close', onDrain)
      resolve(value)
    }
    const onDrain = () => done(true)
    const timer = setTimeout(() => done(false), timeout)
    out.on('drain', onDrain)
    out.on('close', onDrain)
  })
}

/** Closes the connection unless the last buffered bytes are flushed within `timeout` ms. */
function closeIfUnsent(out: ServerResponse, timeout: number): void {
  const timer = setTimeout(() => out.destroy(), timeout)
  const clear = () => clearTimeout(timer)
  out.once('finish', clear)
  out.once('close', clear)
}
