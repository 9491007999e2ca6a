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
}

export interface BunUpgrader {
  upgrade(request: Request, options: { data: unknown; headers?: [string, string][] }): boolean
  requestIP(request: Request): { address: string } | null
}

class BunSocket extends AcceptedSocket {
  raw!: BunServerWebSocket

  get bufferedAmount(): number {
    return this.raw.getBufferedAmount()
  }

  send(data: string | Uint8Array): boolean {
    if (this.raw.readyState !== 1) return false
    if (exceedsSendBuffer(this, sizeOf(data), this.limits.sendBuffer)) return false
    return this.raw.send(data) !== 0
  }

  close(code?: number, reason?: string): void {
    this.raw.close(code, reason)
  }

  terminate(): void {
    this.raw.terminate()
  }
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
