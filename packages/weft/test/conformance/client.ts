import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'

/** Where the cases send their requests: one fixture server under one runtime. */
export interface Target {
  url: string
  port: number
  /** 'node' | 'node24' | 'deno' | 'bun': only for the few documented differences. */
  runtime: string
  /** The server's process id, for the few cases that read its counters in /proc. */
  pid?: number
}

/** A behaviour every runtime must show, checked against a running fixture server. */
export type Case = [name: string, run: (target: Target) => Promise<void>]

/**
 * Sends raw bytes and returns everything the server wrote before it closed the socket
 * (or `waitMs` passed): for requests a well-behaved client would never send.
 */
export function rawRequest(target: Target, payload: string | Buffer, waitMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(target.port, '127.0.0.1')
    let received = ''
    const timer = setTimeout(() => socket.destroy(), waitMs)
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
    })
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? undefined : reject(error),
    )
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(received)
    })
    socket.write(payload)
  })
}

/** The status code of the first response in raw HTTP/1.1 output. */
export function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0)
}

/** The JSON body of a raw answer with a content-length body (a problem document). */
export function problemOf(raw: string): Record<string, unknown> {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))
}

/**
 * Sends a whole upload of `total` bytes as fast as the socket takes it (chunked, or with
 * its content-length announced), whatever the server answers meanwhile, and returns the
 * server's answer once both are done, as clients do that read only once their request is
 * sent. A server that closes on it with the upload unread resets the connection, which
 * drops its answer: that rejects, with the error.
 */
export function uploadWhole(
  target: Target,
  path: string,
  total: number,
  framing: 'chunked' | 'length',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(target.port, '127.0.0.1')
    let received = ''
    let sentAll = false
    const settle = () => {
      if (!sentAll || !answered(received)) return
      socket.destroy()
      resolve(received)
    }
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
      settle()
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(received))
    const length = framing === 'length' ? `content-length: ${total}` : 'transfer-encoding: chunked'
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\n${length}\r\n\r\n`,
    )
    const chunk = Buffer.alloc(64 * 1024, 97)
    let sent = 0
    const pump = () => {
      while (sent < total) {
        sent += chunk.length
        const framed = framing === 'length' ? [chunk] : [`${chunk.length.toString(16)}\r\n`, chunk, '\r\n']
        if (!framed.map((part) => socket.write(part)).at(-1)) return void socket.once('drain', pump)
      }
      socket.write(framing === 'chunked' ? '0\r\n\r\n' : '', () => {
        sentAll = true
        settle()
      })
    }
    pump()
  })
}

/** True once raw HTTP/1.1 output holds a whole answer with a content-length body. */
function answered(raw: string): boolean {
  const headEnd = raw.indexOf('\r\n\r\n')
  const length = /\r\ncontent-length: *(\d+)/i.exec(raw)
  return headEnd !== -1 && length !== null && raw.length >= headEnd + 4 + Number(length[1])
}

/** Streams chunked data until the server answers; returns the status and how much was sent. */
export function uploadUntilAnswered(target: Target, path: string, chunkSize: number, maxChunks: number) {
  return new Promise<{ status: number; sent: number }>((resolve, reject) => {
    let sent = 0
    let answered = false
    const req = httpRequest(
      {
        port: target.port,
        host: '127.0.0.1',
        path,
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
      },
      (res) => {
        answered = true
        res.resume()
        resolve({ status: res.statusCode ?? 0, sent })
      },
    )
    req.on('error', (error) => (answered ? undefined : reject(error)))
    const chunk = Buffer.alloc(chunkSize, 97)
    const pump = () => {
      if (answered || sent >= maxChunks * chunkSize) return req.end()
      sent += chunk.length
      req.write(chunk, () => setTimeout(pump, 5))
    }
    pump()
  })
}

/** GET with node:http, body as text: for checks that need the socket (streams, shutdown). */
export function get(port: number, path: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ port, host: '127.0.0.1', path, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => {
        body += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

export function post(target: Target, path: string, body?: BodyInit, type?: string): Promise<Response> {
  return fetch(`${target.url}${path}`, {
    method: 'POST',
    body,
    headers: type ? { 'content-type': type } : {},
  })
}

/** Asserts the production answer to an unexpected throw: the bare 500 problem, no message, no stack. */
export async function assertBareInternalError(res: Response): Promise<void> {
  assert.equal(res.status, 500)
  const text = await res.text()
  assert.doesNotMatch(text, /hunter2|stack/)
  assert.deepEqual(JSON.parse(text), {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    code: 'WEFT_INTERNAL',
  })
}
