// WebSockets on Bun: `Bun.serve`'s own `websocket` handlers, one socket shape over them.
import type { Weft } from '../../http/app.js'
import { CloseCode, isUpgradeRequest, type WebSocketLimits } from '../../http/websocket.js'
import { AcceptedSocket, exceedsSendBuffer, OpenSockets, sizeOf } from '../websocket-sockets.js'
import { runUpgrade } from '../websocket-upgrade.js'

/** The part of Bun's ServerWebSocket Weft uses. */
export interface BunServerWebSocket {
  data: BunSocket
  readonly readyState: number
  send(data: string | Uint8Array): number
  close(code?: number, reason?: string): void
  terminate(): void
  getBufferedAmount(): number
  cork(callback: () => void): void
}

export interface BunUpgrader {
  upgrade(request: Request, options: { data: unknown; headers?: [string, string][] }): boolean
  requestIP(request: Request): { address: string } | null
}

/** Sockets with messages held since this turn of the event loop began. */
let holding: BunSocket[] = []

/**
 * Hands every held message to Bun, each socket's in one corked batch: one write per
 * socket and turn, where a send each would be one write per message (a busy room sends
 * each member many messages in a turn).
 */
function flushAll(): void {
  const sockets = holding
  holding = []
  for (const socket of sockets) socket.flush()
}

class BunSocket extends AcceptedSocket {
  raw!: BunServerWebSocket
  /** Messages held until the end of this turn, and their size. */
  private held: (string | Uint8Array)[] | null = null
  private heldBytes = 0
  /** Bun's buffered amount when this turn's first message was held, read once a turn: it can
   * only shrink meanwhile, so the send-buffer check errs on the safe side. */
  private heldOn = 0

  get bufferedAmount(): number {
    return (this.held === null ? this.raw.getBufferedAmount() : this.heldOn) + this.heldBytes
  }

  send(data: string | Uint8Array): boolean {
    if (this.raw.readyState !== 1) return false
    const size = sizeOf(data)
    if (exceedsSendBuffer(this, size, this.limits.sendBuffer)) return false
    if (this.held === null) {
      this.heldOn = this.raw.getBufferedAmount()
      this.held = [data]
      if (holding.push(this) === 1) setImmediate(flushAll)
    } else this.held.push(data)
    this.heldBytes += size
    return true
  }

  /** Sends the held messages, corked together. */
  flush(): void {
    const held = this.held
    if (held === null) return
    this.held = null
    this.heldBytes = 0
    if (this.raw.readyState !== 1) return
    if (held.length === 1) this.raw.send(held[0])
    else this.raw.cork(() => sendAll(this.raw, held))
  }

  close(code?: number, reason?: string): void {
    this.flush() // queued messages go before the close frame
    this.raw.close(code, reason)
  }

  terminate(): void {
    this.held = null
    this.heldBytes = 0
    this.raw.terminate()
  }
}

function sendAll(raw: BunServerWebSocket, messages: (string | Uint8Array)[]): void {
  for (const message of messages) raw.send(message)
}

/** Bun's idle timeout and ping interval are whole seconds, at most 960. */
const MAX_IDLE_SECONDS = 960

/**
 * The `websocket` option for Bun.serve and the fetch that performs upgrades. Bun's limits
 * are per server: the largest of the routes' is given to Bun, each route's own is checked here.
 */
export function bunWebSockets(app: Weft<any>, fetch: (request: Request) => Response | Promise<Response>) {
  const routes = app.webSocketRoutes()
  const sockets = new OpenSockets(app.logger)
  const widest = (pick: (limits: WebSocketLimits) => number) => Math.max(...routes.map((r) => pick(r.limits)))
  const idle = Math.min(...routes.map((r) => r.limits.idleTimeout))

  const upgrading = async (request: Request, server: BunUpgrader): Promise<Response | undefined> => {
    const address = server.requestIP(request)?.address ?? ''
    const outcome = await runUpgrade(app, request, address, sockets)
    if (outcome.response) return outcome.response
    const headers = outcome.upgrade.protocol
      ? [...outcome.headers, ['sec-websocket-protocol', outcome.upgrade.protocol] as [string, string]]
      : outcome.headers
    const socket = new BunSocket(outcome.upgrade, address)
    if (server.upgrade(request, { data: socket, headers })) return undefined
    sockets.release(address)
    return new Response('WebSocket upgrade failed', { status: 400 })
  }

  return {
    fetch: (request: Request, server: BunUpgrader) =>
      isUpgradeRequest((name) => request.headers.get(name)) ? upgrading(request, server) : fetch(request),
    websocket: {
      maxPayloadLength: widest((l) => l.maxMessage),
      // Bun drops a peer it has heard nothing from (pongs count) for this long, pinging it first.
      idleTimeout: Math.min(MAX_IDLE_SECONDS, Math.max(1, Math.ceil((2 * idle) / 1000))),
      sendPings: true,
      // Weft closes past each route's send buffer (4008) before Bun would drop a message.
      backpressureLimit: 2 * widest((l) => l.sendBuffer),
      closeOnBackpressureLimit: false,
      perMessageDeflate: false,
      open(raw: BunServerWebSocket) {
        const socket = raw.data
        socket.raw = raw
        sockets.add(socket)
        sockets.dispatch(socket, socket.accepted.route.handlers, 'open')
      },
      message(raw: BunServerWebSocket, message: string | Uint8Array) {
        const socket = raw.data
        const { handlers, limits } = socket.accepted.route
        if (typeof message !== 'string' && !limits.binary) {
          return socket.close(CloseCode.unsupportedData, 'binary frames not accepted')
        }
        if (sizeOf(message) > limits.maxMessage) return socket.close(CloseCode.tooBig, 'message too big')
        sockets.dispatch(socket, handlers, 'message', message)
      },
      close(raw: BunServerWebSocket, code: number, reason: string) {
        const socket = raw.data
        if (sockets.remove(socket))
          sockets.dispatch(socket, socket.accepted.route.handlers, 'close', code, reason)
      },
    },
    closeAll: () => sockets.closeAll(),
  }
}
