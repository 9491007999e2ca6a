import { connect } from 'node:net'
import { type Server, serve, type Weft } from 'weft'

/** Serves `app` on a free port for the duration of `run`, over a real socket. */
export async function withServer<T>(app: Weft<any>, run: (server: Server) => Promise<T>): Promise<T> {
  const server = await serve(app, { port: 0 })
  try {
    return await run(server)
  } finally {
    await server.close()
  }
}

/**
 * Sends raw bytes and returns everything the server wrote before it closed the socket
 * (or `waitMs` passed): for requests a well-behaved client would never send.
 */
export function rawRequest(server: Server, payload: string | Buffer, waitMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1')
    let received = ''
    const timer = setTimeout(() => socket.destroy(), waitMs)
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
    })
    socket.on('error', reject)
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
