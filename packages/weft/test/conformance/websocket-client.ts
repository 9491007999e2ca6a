// A real WebSocket client (the `ws` package) for the conformance cases, with the few
// helpers they share: wait for the next message, for the close, or for a refusal.
import WebSocket from 'ws'
import type { Target } from './client.ts'

export interface Opened {
  socket: WebSocket
  headers: Record<string, string | string[] | undefined>
  next(): Promise<string>
  closed: Promise<{ code: number; reason: string }>
}

export function wsUrl(target: Target, path: string): string {
  return `${target.url.replace(/^http/, 'ws')}${path}`
}

/** Opens a socket and resolves once the server accepted it; rejects with the refusal status. */
export function openSocket(
  target: Target,
  path: string,
  options: WebSocket.ClientOptions & { protocols?: string[] } = {},
): Promise<Opened> {
  const socket = new WebSocket(wsUrl(target, path), options.protocols, options)
  const queue: string[] = []
  const waiting: ((message: string) => void)[] = []
  socket.on('message', (data, isBinary) => {
    const text = isBinary ? `binary:${Buffer.from(data as Buffer).toString('hex')}` : String(data)
    const waiter = waiting.shift()
    if (waiter) waiter(text)
    else queue.push(text)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  )
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (_request, response) => {
      let body = ''
      response.on('data', (chunk: Buffer) => {
        body += chunk
      })
      response.on('end', () =>
        reject(
          Object.assign(new Error(`refused ${response.statusCode}`), {
            status: response.statusCode,
            body,
            headers: response.headers,
          }),
        ),
      )
    })
    socket.on('error', reject)
    socket.on('upgrade', (response) => {
      socket.on('open', () =>
        resolve({
          socket,
          headers: response.headers,
          closed,
          next: () =>
            queue.length ? Promise.resolve(queue.shift()!) : new Promise((done) => waiting.push(done)),
        }),
      )
    })
  })
}

/** The HTTP status an upgrade was refused with. */
export async function refusal(target: Target, path: string, options: WebSocket.ClientOptions = {}) {
  try {
    const opened = await openSocket(target, path, options)
    opened.socket.close()
    await opened.closed
    return { status: 101, body: '' }
  } catch (error) {
    const { status, body } = error as { status?: number; body?: string }
    if (status === undefined) throw error
    return { status, body: body ?? '' }
  }
}
