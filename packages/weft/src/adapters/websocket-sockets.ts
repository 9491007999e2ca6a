// The open sockets of one server, whatever the runtime: the connections-per-IP count,
// handler calls that cannot take the process down, and the 1001 close on shutdown.
import type { Logger } from '../http/logger.js'
import {
  type AcceptedUpgrade,
  CloseCode,
  type WebSocketHandlers,
  type WebSocketLimits,
  type WeftSocket,
} from '../http/websocket.js'

/** What the registry needs of a runtime's socket. */
export interface TrackedSocket extends WeftSocket<unknown> {
  readonly limits: WebSocketLimits
  /** Drops the connection without a close handshake. */
  terminate(): void
}

/**
 * A socket whose upgrade ran through the app as a Fetch request (Deno, Bun): its data,
 * limits and subprotocol are what `upgrade(ctx)` accepted. Each runtime adds the sending.
 */
export abstract class AcceptedSocket implements TrackedSocket {
  constructor(
    readonly accepted: AcceptedUpgrade,
    readonly remoteAddress: string,
  ) {}

  get data(): unknown {
    return this.accepted.data
  }

  get limits(): WebSocketLimits {
    return this.accepted.route.limits
  }

  get protocol(): string {
    return this.accepted.protocol ?? ''
  }

  abstract readonly bufferedAmount: number
  abstract send(data: string | Uint8Array): boolean
  abstract close(code?: number, reason?: string): void
  abstract terminate(): void
}

export class OpenSockets {
  private readonly perIp = new Map<string, number>()
  private readonly open = new Set<TrackedSocket>()
  private drained: (() => void) | null = null
  closing = false

  constructor(private readonly logger: Logger) {}

  /**
   * Takes one of `address`'s `limit` slots, at the upgrade, before the socket opens: so
   * upgrades racing each other cannot pass the limit together. False when none is free.
   */
  reserve(address: string, limit: number): boolean {
    const count = this.perIp.get(address) ?? 0
    if (count >= limit) return false
    this.perIp.set(address, count + 1)
    return true
  }

  /** Gives a slot back: the socket closed, or the upgrade failed after `reserve`. */
  release(address: string): void {
    const count = (this.perIp.get(address) ?? 1) - 1
    if (count <= 0) this.perIp.delete(address)
    else this.perIp.set(address, count)
  }

  /** Tracks an open socket; its slot was reserved at the upgrade. */
  add(socket: TrackedSocket): void {
    this.open.add(socket)
  }

  /** Forgets a socket and frees its slot; returns false if it was already forgotten. */
  remove(socket: TrackedSocket): boolean {
    if (!this.open.delete(socket)) return false
    this.release(socket.remoteAddress)
    if (this.open.size === 0) this.drained?.()
    return true
  }

  get size(): number {
    return this.open.size
  }

  /**
   * Closes every socket with 1001 once what is queued for it is sent, and waits for the
   * close handshakes up to `timeout`; sockets still open then are dropped.
   */
  async closeAll(): Promise<void> {
    this.closing = true
    if (this.open.size === 0) return
    let timeout = 0
    for (const socket of this.open) timeout = Math.max(timeout, socket.limits.closeTimeout)
    const done = new Promise<void>((resolve) => (this.drained = resolve))
    for (const socket of this.open) socket.close(CloseCode.goingAway, 'server shutting down')
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)))
    await Promise.race([done, late])
    clearTimeout(timer)
    for (const socket of [...this.open]) {
      socket.terminate()
      this.remove(socket)
    }
  }

  /**
   * Calls a route's `open`, `message` or `close` handler, as a method of its handlers object.
   * An error is logged and closes that socket with 1011, nothing else. No closure per call:
   * this runs for every message.
   */
  dispatch(
    socket: TrackedSocket,
    handlers: WebSocketHandlers<any, any>,
    event: 'open' | 'message' | 'close',
    first?: unknown,
    second?: unknown,
  ): void {
    const handler = handlers[event] as ((...args: unknown[]) => unknown) | undefined
    if (!handler) return
    try {
      const result = handler.call(handlers, socket, first, second)
      if (result instanceof Promise) result.catch((error) => this.fail(socket, error))
    } catch (error) {
      this.fail(socket, error)
    }
  }

  private fail(socket: TrackedSocket, error: unknown): void {
    this.logger.error({ err: String(error) }, 'websocket handler failed')
    socket.close(CloseCode.serverError, 'server error')
  }
}

/** A message's size in bytes, cheaply: strings count as UTF-16 units, close enough for a limit check. */
export function sizeOf(data: string | Uint8Array): number {
  return typeof data === 'string' ? data.length : data.byteLength
}

/** The check every runtime's `send` makes: past the send buffer, close with 4008 instead of queuing. */
export function exceedsSendBuffer(socket: WeftSocket<unknown>, size: number, limit: number): boolean {
  if (socket.bufferedAmount + size <= limit) return false
  socket.close(CloseCode.slowConsumer, 'slow consumer: send buffer full')
  return true
}
