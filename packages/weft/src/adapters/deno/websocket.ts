// WebSockets on Deno: `Deno.upgradeWebSocket`, one socket shape over it.
import type { Weft } from '../../http/app.js'
import { type AcceptedUpgrade, CloseCode, isUpgradeRequest } from '../../http/websocket.js'
import { AcceptedSocket, exceedsSendBuffer, OpenSockets, sizeOf } from '../websocket-sockets.js'
import { runUpgrade } from '../websocket-upgrade.js'

interface DenoUpgrade {
  upgradeWebSocket(
    request: Request,
    options: { idleTimeout?: number },
  ): { socket: WebSocket; response: Response }
}

export interface DenoServeInfo {
  remoteAddr: { hostname?: string }
}

const deno = (): DenoUpgrade => (globalThis as unknown as { Deno: DenoUpgrade }).Deno

class DenoSocket extends AcceptedSocket {
  opened = false

  constructor(
    readonly raw: WebSocket,
    accepted: AcceptedUpgrade,
    remoteAddress: string,
  ) {
    super(accepted, remoteAddress)
  }

  get bufferedAmount(): number {
    return this.raw.bufferedAmount
  }

  send(data: string | Uint8Array): boolean {
    if (this.raw.readyState !== 1) return false
    if (exceedsSendBuffer(this, sizeOf(data), this.limits.sendBuffer)) return false
    this.raw.send(data as string)
    return true
  }

  close(code?: number, reason?: string): void {
    if (this.raw.readyState < 2) this.raw.close(code, reason)
  }

  terminate(): void {
    // Deno has no way to drop a socket without a close frame; a close is the nearest.
    this.close(CloseCode.goingAway, 'server shutting down')
  }
}

/**
 * Wraps Weft's fetch for Deno.serve so upgrade requests become WebSockets. Deno pings an
 * idle peer and drops it when no pong comes within its idleTimeout.
 */
export function denoWebSockets(
  app: Weft<any>,
  fetch: (request: Request) => Response | Promise<Response>,
): {
  fetch: (request: Request, info: DenoServeInfo) => Response | Promise<Response>
  closeAll: () => Promise<void>
} {
  const sockets = new OpenSockets(app.logger)

  const upgrading = async (request: Request, info: DenoServeInfo): Promise<Response> => {
    const address = info.remoteAddr.hostname ?? ''
    const outcome = await runUpgrade(app, request, address, sockets)
    if (outcome.response) return outcome.response
    const { route, protocol } = outcome.upgrade
    let upgraded: { socket: WebSocket; response: Response }
    try {
      upgraded = deno().upgradeWebSocket(request, {
        idleTimeout: Math.max(1, Math.ceil((2 * route.limits.idleTimeout) / 1000)),
      })
    } catch (error) {
      sockets.release(address)
      throw error
    }
    const { socket: raw, response } = upgraded
    for (const [name, value] of outcome.headers) response.headers.append(name, value)
    // Set here, not as upgradeWebSocket's `protocol`: Deno compares against the offered
    // list split on ", " only, and refuses clients (like `ws`) that send "a,b".
    if (protocol) response.headers.set('sec-websocket-protocol', protocol)
    open(new DenoSocket(raw, outcome.upgrade, address))
    return response
  }

  const open = (socket: DenoSocket) => {
    const { raw } = socket
    const { handlers, limits } = socket.accepted.route
    raw.binaryType = 'arraybuffer'
    raw.onopen = () => {
      socket.opened = true
      sockets.add(socket)
      sockets.dispatch(socket, handlers, 'open')
    }
    raw.onmessage = (event: MessageEvent) => {
      const message = typeof event.data === 'string' ? event.data : new Uint8Array(event.data as ArrayBuffer)
      if (typeof message !== 'string' && !limits.binary) {
        return socket.close(CloseCode.unsupportedData, 'binary frames not accepted')
      }
      if (sizeOf(message) > limits.maxMessage) return socket.close(CloseCode.tooBig, 'message too big')
      sockets.dispatch(socket, handlers, 'message', message)
    }
    raw.onerror = () => {}
    raw.onclose = (event: CloseEvent) => {
      if (sockets.remove(socket)) sockets.dispatch(socket, handlers, 'close', event.code, event.reason)
      else if (!socket.opened) sockets.release(socket.remoteAddress) // closed before it opened
    }
  }

  return {
    fetch: (request, info) =>
      isUpgradeRequest((name) => request.headers.get(name)) ? upgrading(request, info) : fetch(request),
    closeAll: () => sockets.closeAll(),
  }
}
