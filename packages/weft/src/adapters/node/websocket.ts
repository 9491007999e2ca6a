// WebSockets on Node: the `ws` package (an optional peer dependency, loaded only for an
// app with WebSocket routes) on the server's `upgrade` event.
import type { Server as HttpServer, IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { WebSocket, WebSocketServer } from 'ws'
import type { Weft } from '../../http/app.js'
import { statusTitle } from '../../http/errors.js'
import {
  type AcceptedUpgrade,
  CloseCode,
  type WebSocketLimits,
  type WebSocketRoute,
} from '../../http/websocket.js'
import { exceedsSendBuffer, OpenSockets, sizeOf, type TrackedSocket } from '../websocket-sockets.js'
import { runUpgrade } from '../websocket-upgrade.js'

type WsModule = typeof import('ws')

async function loadWs(): Promise<WsModule> {
  try {
    return await import('ws')
  } catch (cause) {
    throw new Error(
      'WEFT_MISSING_PEER: WebSocket routes on Node need the "ws" package. Install it: npm install ws',
      { cause },
    )
  }
}

class NodeSocket implements TrackedSocket {
  /** Heard from since the last ping. */
  alive = true

  constructor(
    readonly raw: WebSocket,
    readonly data: unknown,
    readonly remoteAddress: string,
    readonly limits: WebSocketLimits,
  ) {}

  get bufferedAmount(): number {
    return this.raw.bufferedAmount
  }

  get protocol(): string {
    return this.raw.protocol
  }

  send(data: string | Uint8Array): boolean {
    if (this.raw.readyState !== 1) return false
    if (exceedsSendBuffer(this, sizeOf(data), this.limits.sendBuffer)) return false
    this.raw.send(data)
    return true
  }

  close(code?: number, reason?: string): void {
    this.raw.close(code, reason)
  }

  terminate(): void {
    this.raw.terminate()
  }
}

interface PendingUpgrade extends IncomingMessage {
  weftProtocol?: string
  weftHeaders?: [string, string][]
}

/**
 * Takes over the upgrade requests of `server` for the app's WebSocket routes. Returns
 * what server.close() calls: every socket closed with 1001 after its queue is flushed.
 */
export async function attachWebSockets(app: Weft<any>, server: HttpServer): Promise<() => Promise<void>> {
  const { WebSocketServer } = await loadWs()
  const sockets = new OpenSockets(app.logger)
  const servers = new Map<WebSocketRoute, WebSocketServer>()
  const heartbeats = new Map<number, { sockets: Set<NodeSocket>; timer: ReturnType<typeof setInterval> }>()

  const serverFor = (route: WebSocketRoute): WebSocketServer => {
    let wss = servers.get(route)
    if (!wss) {
      wss = new WebSocketServer({
        noServer: true,
        maxPayload: route.limits.maxMessage,
        perMessageDeflate: false,
        clientTracking: false,
        handleProtocols: (_offered, request) => (request as PendingUpgrade).weftProtocol ?? false,
      })
      wss.on('headers', (headers, request) => {
        for (const [name, value] of (request as PendingUpgrade).weftHeaders ?? [])
          headers.push(`${name}: ${value}`)
      })
      servers.set(route, wss)
    }
    return wss
  }

  const watch = (socket: NodeSocket) => {
    const every = socket.limits.idleTimeout
    let beat = heartbeats.get(every)
    if (!beat) {
      const watched = new Set<NodeSocket>()
      // A peer that answered no ping since the last one is gone: drop it.
      const timer = setInterval(() => {
        for (const s of watched) {
          if (!s.alive) s.terminate()
          else {
            s.alive = false
            s.raw.ping()
          }
        }
      }, every)
      timer.unref()
      beat = { sockets: watched, timer }
      heartbeats.set(every, beat)
    }
    beat.sockets.add(socket)
    return () => beat.sockets.delete(socket)
  }

  const open = (accepted: AcceptedUpgrade, raw: WebSocket, address: string) => {
    const { route, data } = accepted
    const { handlers, limits } = route
    const socket = new NodeSocket(raw, data, address, limits)
    sockets.add(socket)
    const unwatch = watch(socket)
    raw.on('pong', () => {
      socket.alive = true
    })
    raw.on('message', (message: Buffer, isBinary: boolean) => {
      socket.alive = true
      if (isBinary && !limits.binary)
        return socket.close(CloseCode.unsupportedData, 'binary frames not accepted')
      if (handlers.message) {
        const value = isBinary
          ? new Uint8Array(message.buffer, message.byteOffset, message.byteLength)
          : message.toString()
        sockets.call(socket, () => handlers.message!(socket, value))
      }
    })
    raw.on('error', () => {}) // the close event follows; a bad frame is not the process's problem
    raw.on('close', (code: number, reason: Buffer) => {
      unwatch()
      if (sockets.remove(socket) && handlers.close)
        sockets.call(socket, () => handlers.close!(socket, code, reason.toString()))
    })
    if (handlers.open) sockets.call(socket, () => handlers.open!(socket))
  }

  server.on('upgrade', (incoming: PendingUpgrade, duplex: Duplex, head: Buffer) => {
    const address = incoming.socket.remoteAddress ?? ''
    duplex.on('error', () => duplex.destroy())
    let request: Request
    try {
      request = toWebRequest(incoming)
    } catch {
      return void refuse(duplex, new Response('Bad Request', { status: 400 }))
    }
    runUpgrade(app, request, address, sockets).then(
      async (outcome) => {
        if (outcome.response) return refuse(duplex, outcome.response)
        incoming.weftProtocol = outcome.upgrade.protocol
        incoming.weftHeaders = outcome.headers
        serverFor(outcome.upgrade.route).handleUpgrade(incoming, duplex, head, (raw) =>
          open(outcome.upgrade, raw, address),
        )
      },
      (error) => {
        app.logger.error({ err: String(error) }, 'websocket upgrade failed')
        duplex.destroy()
      },
    )
  })

  return async () => {
    await sockets.closeAll()
    for (const { timer } of heartbeats.values()) clearInterval(timer)
  }
}

/** The upgrade request as a Web Request: it has no body, so this is only its head. */
function toWebRequest(incoming: IncomingMessage): Request {
  const headers = new Headers()
  const raw = incoming.rawHeaders
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1])
  const host = incoming.headers.host ?? 'localhost'
  return new Request(`http://${host}${incoming.url ?? '/'}`, { method: 'GET', headers })
}

/** Writes a refusal on the raw socket, as the HTTP answer the app made. */
async function refuse(duplex: Duplex, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer())
  let head = `HTTP/1.1 ${response.status} ${statusTitle(response.status)}\r\n`
  response.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'connection' && name !== 'set-cookie')
      head += `${name}: ${value}\r\n`
  })
  for (const cookie of response.headers.getSetCookie()) head += `set-cookie: ${cookie}\r\n`
  head += `content-length: ${body.length}\r\nconnection: close\r\n\r\n`
  duplex.end(Buffer.concat([Buffer.from(head, 'latin1'), body]))
}
