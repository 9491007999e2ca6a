// WebSocket routes in the core: the types every adapter implements, the limits, and the
// GET route that runs the app's middleware and `upgrade(ctx)` on the upgrade request.
// Nothing here touches a runtime; adapters do the upgrade itself.

import { canImport, type PackageNeed } from '../shared/peers.js'
import type { Context } from './context.js'
import { HttpError } from './errors.js'

/**
 * WebSocket routes on Node need the `ws` package (Deno and Bun have WebSockets built in);
 * `app.ws()` records it so start-up names it with every other missing package.
 */
export const WS_PACKAGE: PackageNeed = {
  package: 'ws',
  neededBy: 'WebSocket routes on Node (app.ws)',
  present: async () => {
    const runtimes = globalThis as { Bun?: unknown; Deno?: unknown }
    return runtimes.Bun !== undefined || runtimes.Deno !== undefined || canImport('ws')
  },
}

/** One WebSocket, the same on Node, Deno and Bun. */
export interface WeftSocket<Data = unknown> {
  /** What `upgrade(ctx)` returned. */
  readonly data: Data
  /** Bytes queued to send and not yet handed to the network. */
  readonly bufferedAmount: number
  /** The peer's address, as the connections-per-IP limit counts it. */
  readonly remoteAddress: string
  /** The selected subprotocol, or ''. */
  readonly protocol: string
  /**
   * Queues a message. Past the send buffer limit the socket is closed with 4008 and the
   * message dropped: returns false then, and once the socket is closing.
   */
  send(data: string | Uint8Array): boolean
  /** Starts the close handshake; queued messages are sent first. */
  close(code?: number, reason?: string): void
}

export interface WebSocketLimits {
  /** Largest incoming message, bytes; larger closes with 1009. Default 1 MiB. */
  maxMessage: number
  /** Bytes queued for one socket; past it the socket closes with 4008. Default 1 MiB. */
  sendBuffer: number
  /** Milliseconds of silence before a ping; a peer silent for twice this is dropped. Default 25 s. */
  idleTimeout: number
  /** Open sockets per remote address; more are refused with 429. Default 256. */
  connectionsPerIp: number
  /** Accept binary frames; when false a binary frame closes with 1003. Default false. */
  binary: boolean
  /** Milliseconds server.close() waits for close handshakes before dropping sockets. Default 5 s. */
  closeTimeout: number
}

export const DEFAULT_WEBSOCKET_LIMITS: WebSocketLimits = {
  maxMessage: 1024 * 1024,
  sendBuffer: 1024 * 1024,
  idleTimeout: 25_000,
  connectionsPerIp: 256,
  binary: false,
  closeTimeout: 5_000,
}

/** Close codes Weft sends (see docs/protocol.md). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  invalidPayload: 1007,
  tooBig: 1009,
  serverError: 1011,
  slowConsumer: 4008,
} as const

export interface WebSocketHandlers<Data = unknown, C extends Context<any> = Context> {
  /**
   * Runs on the upgrade request after the app's middleware. Its result becomes
   * `socket.data`; a Response (or a thrown HttpError) refuses the upgrade with that answer.
   */
  upgrade?(ctx: C): Data | Response | Promise<Data | Response>
  open?(socket: WeftSocket<Data>): void
  /** Text arrives as a string; binary (when `limits.binary`) as a Uint8Array. */
  message?(socket: WeftSocket<Data>, message: string | Uint8Array): void
  close?(socket: WeftSocket<Data>, code: number, reason: string): void
  limits?: Partial<WebSocketLimits>
  /**
   * Allowed `Origin` values (cross-site WebSocket hijacking). Default: only the
   * request's own host; `'*'` allows any. Requests without an Origin (not browsers) pass.
   */
  origins?: readonly string[] | '*'
  /** Picks the subprotocol to answer from those the client offered; default the first. */
  protocol?(offered: string[]): string | undefined
}

/** A route's handlers with its limits filled in, as adapters use it. */
export interface WebSocketRoute {
  handlers: WebSocketHandlers<any, any>
  limits: WebSocketLimits
}

/** An upgrade the route accepted, waiting for the adapter to perform it. */
export interface AcceptedUpgrade {
  route: WebSocketRoute
  data: unknown
  protocol: string | undefined
}

const accepted = new WeakMap<Context<any>, AcceptedUpgrade>()

/** The upgrade `ctx`'s route accepted, if it did; adapters call this after `app.handle(ctx)`. */
export function takeUpgrade(ctx: Context<any>): AcceptedUpgrade | undefined {
  const upgrade = accepted.get(ctx)
  accepted.delete(ctx)
  return upgrade
}

/** Whether a request asks to become a WebSocket. */
export function isUpgradeRequest(header: (name: string) => string | undefined | null): boolean {
  return header('upgrade')?.toLowerCase() === 'websocket'
}

/**
 * The GET handler behind `app.ws(path, handlers)`: refuses plain requests with 426,
 * checks the origin, runs `upgrade(ctx)` and records the accepted upgrade for the adapter.
 */
export function upgradeHandler(handlers: WebSocketHandlers<any, any>) {
  const route: WebSocketRoute = { handlers, limits: { ...DEFAULT_WEBSOCKET_LIMITS, ...handlers.limits } }
  const handler = async (ctx: Context<any>): Promise<unknown> => {
    if (!isUpgradeRequest((name) => ctx.headerValue(name))) {
      throw new HttpError(
        426,
        'This path takes WebSocket connections',
        { code: 'WEFT_UPGRADE_REQUIRED' },
        { headers: { upgrade: 'websocket' } },
      )
    }
    checkOrigin(ctx, handlers.origins)
    const data = handlers.upgrade ? await handlers.upgrade(ctx) : undefined
    if (data instanceof Response) return data
    const offered = (ctx.headerValue('sec-websocket-protocol') ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
    const protocol = offered.length ? (handlers.protocol ?? firstOffered)(offered) : undefined
    accepted.set(ctx, { route, data, protocol })
    return undefined
  }
  return Object.assign(handler, { route })
}

const firstOffered = (offered: string[]) => offered[0]

function checkOrigin(ctx: Context<any>, origins: readonly string[] | '*' | undefined): void {
  const origin = ctx.headerValue('origin')
  if (origin === undefined || origins === '*') return
  const allowed = origins ? origins.includes(origin) : sameHost(origin, ctx.headerValue('host'))
  if (!allowed) {
    throw new HttpError(403, `WebSocket connections from ${origin} are not allowed`, {
      code: 'WEFT_ORIGIN_FORBIDDEN',
    })
  }
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host
  } catch {
    return false
  }
}
