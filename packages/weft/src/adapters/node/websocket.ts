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
import { type Beating, Heartbeat } from './heartbeat.js'

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

/** Where a `ws` socket keeps its NodeSocket, so its listeners need no closure. */
const kSocket = Symbol('weft.socket')
type TaggedWebSocket = WebSocket & { [kSocket]: NodeSocket }

class NodeSocket implements TrackedSocket, Beating {
  alive = true
  beat: Set<Beating> | null = null

  constructor(
    readonly raw: WebSocket,
    readonly data: unknown,
    readonly remoteAddress: string,
    readonly route: WebSocketRoute,
    readonly registry: OpenSockets,
  ) {}

  get limits(): WebSocketLimits {
    return this.route.limits
  }

  get bufferedAmount(): number {
    return this.raw.bufferedAmount
  }

  get protocol(): string {
    return this.raw.protocol
  }

  send(data: string | Uint8Array): boolean {
    if (this.raw.readyState !== 1) return false
    if (exceedsSendBuffer(this, sizeOf(data), this.limits.sendBuffer)) return false
    corkUntilIdle((this.raw as WebSocket & { _socket?: Duplex })._socket)
    if (typeof data === 'string') this.raw.send(encodeOnce(data), TEXT)
    else this.raw.send(data)
    return true
  }

  close(code?: number, reason?: string): void {
    this.raw.close(code, reason)
  }

  terminate(): void {
    this.raw.terminate()
  }

  ping(): void {
    this.raw.ping()
  }
}

/** The last text sent and its UTF-8 bytes: a broadcast sends one frame to many sockets. */
let lastText = ''
let lastBytes = Buffer.alloc(0)
const TEXT = { binary: false }

/**
 * A text message's bytes, encoded once for every socket it goes to (ws would encode a
 * string again for each). The bytes are never changed: server frames are not masked.
 */
function encodeOnce(text: string): Buffer {
  if (text !== lastText) {
    lastText = text
    lastBytes = Buffer.from(text)
  }
  return lastBytes
}

/** TCP sockets corked since this turn of the event loop began, uncorked together after it. */
let corked: Duplex[] = []

/**
 * Holds a socket's writes until the event loop has run what is ready (setImmediate), then
 * writes them in one system call. A room's message reaches each member in a write of its
 * own; in a busy room several messages for one member are ready in the same turn, and
 * they leave together instead of one write each. Corked bytes count in `bufferedAmount`,
 * so the send-buffer limit sees them.
 */
function corkUntilIdle(socket: Duplex | undefined): void {
  if (socket?.writableCorked !== 0 || !socket.writable) return
  socket.cork()
  if (corked.push(socket) === 1) setImmediate(uncorkAll)
}

function uncorkAll(): void {
  const sockets = corked
  corked = []
  for (const socket of sockets) socket.uncork()
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
  const heartbeats = new Map<number, Heartbeat>()

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
    let heartbeat = heartbeats.get(every)
    if (!heartbeat) heartbeats.set(every, (heartbeat = new Heartbeat(every)))
    heartbeat.add(socket)
  }

  const open = (accepted: AcceptedUpgrade, raw: WebSocket, address: string) => {
    const socket = new NodeSocket(raw, accepted.data, address, accepted.route, sockets)
    const tagged = raw as TaggedWebSocket
    tagged[kSocket] = socket
    sockets.add(socket)
    watch(socket)
    tagged.on('pong', onPong as () => void)
    tagged.on('message', onMessage as () => void)
    tagged.on('error', ignore) // the close event follows; a bad frame is not the process's problem
    tagged.on('close', onClose as () => void)
    sockets.dispatch(socket, accepted.route.handlers, 'open')
  }

  server.on('upgrade', (incoming: PendingUpgrade, duplex: Duplex, head: Buffer) => {
    const address = incoming.socket.remoteAddress ?? ''
    // A function of its own, not a closure: it stays on the socket for its whole life and
    // would keep this request (headers, head buffer) alive with it.
    duplex.on('error', destroySelf)
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
        // ws answers a bad handshake (key, version) itself and never calls back: the slot
        // the upgrade holds goes back when the socket closes unopened.
        const unopened = () => sockets.release(address)
        if (duplex.destroyed) return unopened() // the client left while middleware ran
        duplex.once('close', unopened)
        serverFor(outcome.upgrade.route).handleUpgrade(incoming, duplex, head, (raw) => {
          duplex.off('close', unopened)
          open(outcome.upgrade, raw, address)
        })
      },
      (error) => {
        app.logger.error({ err: String(error) }, 'websocket upgrade failed')
        duplex.destroy()
      },
    )
  })

  return async () => {
    await sockets.closeAll()
    for (const heartbeat of heartbeats.values()) heartbeat.stop()
  }
}

// The listeners of every socket, shared: each finds its NodeSocket on `this`.

function onPong(this: TaggedWebSocket): void {
  this[kSocket].alive = true
}

function onMessage(this: TaggedWebSocket, message: Buffer, isBinary: boolean): void {
  const socket = this[kSocket]
  socket.alive = true
  const { handlers, limits } = socket.route
  if (isBinary && !limits.binary) return socket.close(CloseCode.unsupportedData, 'binary frames not accepted')
  if (!handlers.message) return
  const value = isBinary
    ? new Uint8Array(message.buffer, message.byteOffset, message.byteLength)
    : message.toString()
  socket.registry.dispatch(socket, handlers, 'message', value)
}

function onClose(this: TaggedWebSocket, code: number, reason: Buffer): void {
  const socket = this[kSocket]
  socket.beat?.delete(socket)
  if (socket.registry.remove(socket))
    socket.registry.dispatch(socket, socket.route.handlers, 'close', code, reason.toString())
}

function ignore(): void {}

function destroySelf(this: Duplex): void {
  this.destroy()
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
