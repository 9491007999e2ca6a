import type { ServerResponse } from 'node:http'
import type { ResponseState } from '../../http/response.js'
import { finalStatus, isBodiless } from '../../http/response.js'

/** Writes the response state straight to `node:http`: no Web Response on this path. */
export function writeResponse(res: ResponseState, out: ServerResponse, head: boolean): void | Promise<void> {
  if (res.response) return writeWebResponse(res, out, head)
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
    else out.end(body)
    return
  }
  out.writeHead(status, headers)
  if (head) {
    out.end()
    return body.cancel()
  }
  return pipeStream(body, out)
}

async function writeWebResponse(res: ResponseState, out: ServerResponse, head: boolean): Promise<void> {
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
  await pipeStream(response.body, out)
}

function toArray(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/**
 * Streams a body with backpressure: waits for 'drain' whenever the socket buffer is
 * full, and cancels the source when the client goes away.
 */
async function pipeStream(stream: ReadableStream<Uint8Array>, out: ServerResponse): Promise<void> {
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
      if (!out.write(value)) await waitForDrain(out)
    }
    out.end()
  } catch (error) {
    out.destroy(error as Error)
  } finally {
    out.off('close', onClose)
  }
}

function waitForDrain(out: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done)
      out.off('close', done)
      resolve()
    }
    out.on('drain', done)
    out.on('close', done)
  })
}
