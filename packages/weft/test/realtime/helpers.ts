// Shared by the realtime tests: a served app with a realtime endpoint, a raw protocol
// client for frame-level checks, and waiting for a condition.
import { type Server, serve, weft } from 'weftjs'
import type { Live } from 'weftjs/realtime'
import WebSocket from 'ws'

export interface Served {
  server: Server
  /** The ws:// URL of the endpoint. */
  url: string
  close(): Promise<void>
}

/** Serves `live` at /live on a free port (or `port`). */
export async function serveLive(
  live: Live<any, any>,
  port = 0,
  setup?: (app: ReturnType<typeof weft>) => void,
): Promise<Served> {
  const app = weft({ logger: false })
  setup?.(app)
  app.ws('/live', live)
  const server = await serve(app, { port })
  return {
    server,
    url: `${server.url.replace(/^http/, 'ws')}/live`,
    close: async () => {
      await server.close()
      await live.shutdown()
    },
  }
}

/** Resolves once `check` returns a truthy value, polling; rejects after `ms` with `what`. */
export async function eventually<T>(check: () => T | undefined | false, what: string, ms = 5000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = check()
    if (value) return value
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export interface RawClient {
  socket: WebSocket
  frames: Record<string, any>[]
  send(frame: unknown): void
  /** The next frame with this `msg` (and matching `where`), consumed from the queue. */
  next(
    msg: string,
    where?: (frame: Record<string, any>) => boolean,
    ms?: number,
  ): Promise<Record<string, any>>
  closed: Promise<{ code: number; reason: string }>
}

/** A protocol-level client: frames in and out as JSON, nothing automatic. */
export function rawClient(
  url: string,
  options: { connect?: boolean; protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<RawClient> {
  const socket = new WebSocket(url, options.protocols ?? ['weft.v1'], { headers: options.headers })
  const frames: Record<string, any>[] = []
  socket.on('message', (data) => frames.push(JSON.parse(String(data))))
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  )
  const client: RawClient = {
    socket,
    frames,
    closed,
    send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    async next(msg, where = () => true, ms = 5000) {
      const match = (f: Record<string, any>) => f.msg === msg && where(f)
      const frame = await eventually(() => frames.find(match), `a "${msg}" frame`, ms)
      frames.splice(frames.indexOf(frame), 1)
      return frame
    },
  }
  return new Promise((resolve, reject) => {
    socket.on('error', reject)
    socket.on('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode })),
    )
    socket.on('open', async () => {
      if (options.connect !== false) {
        client.send({ msg: 'connect', version: '1', support: ['1'] })
        // No `connected` within next()'s bound rejects: a broken handshake fails the test
        // instead of leaving it waiting for ever.
        const answered = await client.next('connected').catch((error: Error) => error)
        if (answered instanceof Error) {
          socket.close()
          return reject(answered)
        }
      }
      resolve(client)
    })
  })
}
