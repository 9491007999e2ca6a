// The realtime client: one WebSocket to a `weftjs/realtime` endpoint, channels typed from
// the server's declarations, reconnects with jittered backoff and rejoins by itself.
// Web APIs only: browsers, Node (give it `ws` on Node 20), Deno and Bun.
import {
  type ChannelType,
  PROTOCOL_VERSION,
  RealtimeCloseCode,
  type ServerFrame,
  SUBPROTOCOL,
  tokenProtocol,
} from '../shared/realtime-protocol.js'
import { Emitter } from './emitter.js'
import { type CallOptions, LiveClient } from './live-client.js'
import { RealtimeError } from './realtime-error.js'
import { Room } from './room.js'
import type { Subscription } from './subscription.js'

export type { CallOptions } from './live-client.js'
export type { LocalWrites } from './live-docs.js'
export type { Subscription } from './subscription.js'
export { RealtimeError, Room }

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** The WebSocket constructor to use: the global one, or `ws`'s on Node 20. */
export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocket

export interface RealtimeClientOptions {
  /** Sent on every (re)connect; a function is asked again each time, and when the server asks to renew. */
  token?: string | (() => string | undefined | Promise<string | undefined>)
  /** Default: the global WebSocket, else the `ws` package (Node 20). */
  WebSocket?: WebSocketConstructor
  /** Reconnect backoff bounds in ms, or false to stay closed. Default 250 ms to 10 s. */
  reconnect?: { min?: number; max?: number } | false
  /** Messages kept while offline, sent on reconnect; past it `send` returns false. Default 100. */
  sendBuffer?: number
  /** Milliseconds between pings; a server silent for two of them is presumed gone. Default 20 s. */
  heartbeat?: number
}

type Segment<S extends string> = S extends `:${string}` ? string : S extends `*${string}` ? string : S
type Template<P extends string> = P extends `${infer Head}/${infer Rest}`
  ? `${Segment<Head>}/${Template<Rest>}`
  : Segment<P>
type AnyChannels = Record<string, ChannelType<any, any>>
/** The channels a `typeof live` declares. */
export type ChannelsOf<L> = L extends { '~channels': infer C extends AnyChannels } ? C : AnyChannels
/** Names a client may join: each pattern with its params filled in. */
export type ChannelName<C extends AnyChannels> = { [P in keyof C & string]: Template<P> }[keyof C & string]
type AnyPublications = Record<string, { args: any; doc: any }>
type AnyMethods = Record<string, { args: any; result: any }>
/** The publications a `typeof live` declares: arguments and documents by name. */
export type PublicationsOf<L> = L extends { '~publications': infer P extends AnyPublications }
  ? P
  : AnyPublications
/** The methods a `typeof live` declares: arguments and answers by name. */
export type MethodsOf<L> = L extends { '~methods': infer M extends AnyMethods } ? M : AnyMethods
/** The arguments parameter: optional when nothing in it is required. */
type ArgsParam<A> = undefined extends A ? [args?: A] : {} extends A ? [args?: A] : [args: A]
type ChannelAt<C extends AnyChannels, N extends string> = {
  [P in keyof C & string]: N extends Template<P> ? C[P] : never
}[keyof C & string]

type ClientEvents = {
  state: (state: ConnectionState) => void
  /** A channel could not be resumed after a reconnect: refetch what it shows. */
  resync: (channel: string) => void
  error: (error: RealtimeError) => void
}

export class RealtimeClient<
  Channels extends AnyChannels,
  Publications extends AnyPublications = AnyPublications,
  Methods extends AnyMethods = AnyMethods,
> extends Emitter<ClientEvents> {
  state: ConnectionState = 'connecting'
  /** The session the server gave this connection (changes on reconnect). */
  session = ''
  private socket: WebSocket | null = null
  private readonly rooms = new Map<string, Room<any, any>>()
  private readonly outbox: string[] = []
  private attempt = 0
  private ids = 0
  private lastHeard = 0
  private timers: ReturnType<typeof setTimeout>[] = []
  private heartbeat: ReturnType<typeof setInterval> | undefined
  private readonly live = new LiveClient((text) => {
    if (this.state !== 'open') return false
    this.write(text)
    return true
  })

  constructor(
    private readonly url: string,
    private readonly options: RealtimeClientOptions = {},
  ) {
    super()
    void this.connect()
  }

  /** Joins a channel (again after every reconnect) and returns its room. */
  join<N extends ChannelName<Channels>>(
    channel: N,
  ): Room<ChannelAt<Channels, N>['send'], ChannelAt<Channels, N>['receive']> {
    let room = this.rooms.get(channel)
    if (!room) {
      room = new Room(channel, this)
      this.rooms.set(channel, room)
      if (this.state === 'open') this.write(this.joinFrame(room))
    }
    return room
  }

  /**
   * Subscribes to a publication (again after every reconnect, receiving only what changed).
   * @example const sub = rt.subscribe('tasks', { board: 'b1' }); await sub.ready; sub.docs
   */
  subscribe<N extends keyof Publications & string>(
    name: N,
    ...args: ArgsParam<Publications[N]['args']>
  ): Subscription<Publications[N]['doc']> {
    return this.live.subscribe(name, args[0])
  }

  /**
   * Calls a method; resolves with its answer, rejects with a RealtimeError. A call whose
   * connection drops is sent again with the same id on reconnect, and runs once.
   * @example await rt.call('addTask', { title: 'Ship' }, { optimistic: (local) => local.insert(sub, { title: 'Ship' }) })
   */
  call<N extends keyof Methods & string>(
    name: N,
    args: Methods[N]['args'],
    options?: CallOptions,
  ): Promise<Methods[N]['result']> {
    return this.live.call(name, args, options) as Promise<Methods[N]['result']>
  }

  /** Closes for good: no reconnect. */
  close(): void {
    this.setState('closed')
    this.stopTimers()
    this.socket?.close(1000)
    this.socket = null
  }

  /** @internal */
  leaveRoom(room: Room<any, any>): void {
    if (this.rooms.get(room.channel) !== room) return
    this.rooms.delete(room.channel)
    if (this.state === 'open')
      this.write(JSON.stringify({ msg: 'leave', id: this.nextId(), channel: room.channel }))
  }

  /** @internal Sends now when open, else keeps it for the reconnect (bounded). */
  sendFrame(frame: object): boolean {
    const text = JSON.stringify(frame)
    if (this.state === 'open') {
      this.write(text)
      return true
    }
    if (this.state === 'closed' || this.outbox.length >= (this.options.sendBuffer ?? 100)) return false
    this.outbox.push(text)
    return true
  }

  private async connect(): Promise<void> {
    let socket: WebSocket
    try {
      const WebSocketImpl = this.options.WebSocket ?? (await defaultWebSocket())
      const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token
      if (this.state === 'closed') return
      const protocols = token ? [SUBPROTOCOL, tokenProtocol(token)] : [SUBPROTOCOL]
      socket = new WebSocketImpl(this.url, protocols)
    } catch (error) {
      this.emit(
        'error',
        new RealtimeError({ msg: 'error', status: 0, code: 'WEFT_CONNECT_FAILED', title: String(error) }),
      )
      return this.retry()
    }
    this.socket = socket
    socket.onopen = () => {
      this.write(JSON.stringify({ msg: 'connect', version: PROTOCOL_VERSION, support: [PROTOCOL_VERSION] }))
    }
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket) return
      this.lastHeard = Date.now()
      let frame: ServerFrame
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame
      } catch {
        return
      }
      this.receive(frame)
    }
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return
      this.socket = null
      this.lost(event.code)
    }
    socket.onerror = () => {}
  }

  private receive(frame: ServerFrame): void {
    switch (frame.msg) {
      case 'connected':
        this.session = frame.session
        this.attempt = 0
        this.setState('open')
        this.startHeartbeat()
        for (const room of this.rooms.values()) this.write(this.joinFrame(room))
        this.live.reconnected()
        for (const text of this.outbox.splice(0)) this.write(text)
        return
      case 'ping':
        return this.write(JSON.stringify({ msg: 'pong', id: frame.id }))
      case 'reauth':
        return void this.renew()
      case 'message':
      case 'joined':
      case 'presence':
        return this.rooms.get(frame.channel)?.receive(frame)
      case 'resync':
        if (!('channel' in frame)) return void this.live.receive(frame)
        this.rooms.get(frame.channel)?.receive(frame)
        return this.emit('resync', frame.channel)
      case 'error': {
        const room = frame.channel ? this.rooms.get(frame.channel) : undefined
        if (room) room.receive(frame)
        else this.emit('error', new RealtimeError(frame))
        return
      }
      default:
        this.live.receive(frame)
    }
  }

  private async renew(): Promise<void> {
    if (typeof this.options.token !== 'function') return
    const token = await this.options.token()
    if (token) this.write(JSON.stringify({ msg: 'auth', id: this.nextId(), token }))
  }

  /** The socket closed: reconnect unless the close says retrying cannot help. */
  private lost(code: number): void {
    this.stopTimers()
    if (this.state === 'closed') return
    if (
      code === RealtimeCloseCode.versionMismatch ||
      code === 1003 ||
      code === 1007 ||
      code === 1009 ||
      code === RealtimeCloseCode.connectFirst
    ) {
      this.emit(
        'error',
        new RealtimeError({
          msg: 'error',
          status: 0,
          code: 'WEFT_CONNECTION_CLOSED',
          title: `closed with ${code}`,
        }),
      )
      return this.setState('closed')
    }
    this.retry()
  }

  private retry(): void {
    if (this.state === 'closed') return
    if (this.options.reconnect === false) return this.setState('closed')
    this.setState('reconnecting')
    const min = this.options.reconnect?.min ?? 250
    const max = this.options.reconnect?.max ?? 10_000
    const cap = Math.min(max, min * 2 ** this.attempt++)
    // Equal jitter: half the delay fixed, half random, so clients spread out but still wait.
    this.timers.push(setTimeout(() => void this.connect(), cap / 2 + Math.random() * (cap / 2)))
  }

  private startHeartbeat(): void {
    const every = this.options.heartbeat ?? 20_000
    this.lastHeard = Date.now()
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastHeard > 2 * every) {
        // The server is gone without a close: give up on this socket now.
        const socket = this.socket
        this.socket = null
        socket?.close()
        return this.lost(1006)
      }
      this.write(JSON.stringify({ msg: 'ping' }))
    }, every)
  }

  private stopTimers(): void {
    clearInterval(this.heartbeat)
    for (const timer of this.timers.splice(0)) clearTimeout(timer)
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return
    this.state = state
    this.emit('state', state)
  }

  /** A rejoin says where the room was, so the server replays what it missed or says resync. */
  private joinFrame(room: Room<any, any>): string {
    const { channel, epoch, seq } = room
    const since = epoch ? { epoch, seq } : undefined
    return JSON.stringify({ msg: 'join', id: this.nextId(), channel, since })
  }

  private write(text: string): void {
    this.socket?.send(text)
  }

  private nextId(): string {
    return String(++this.ids)
  }
}

/** The global WebSocket, or the `ws` package where there is none (Node 20). */
async function defaultWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
  if (global) return global
  const name = 'ws' // not a literal import: browser bundles must not pull `ws` in
  try {
    const ws = (await import(name)) as { WebSocket: WebSocketConstructor }
    return ws.WebSocket
  } catch {
    throw new Error(
      'WEFT_MISSING_PEER: this runtime has no WebSocket; install "ws" (npm install ws) or pass options.WebSocket',
    )
  }
}

/**
 * A realtime client typed from the server's channels.
 * @example
 * const rt = realtimeClient<typeof live>('ws://localhost:3000/live', { token })
 * const room = rt.join('chat/lobby')
 * room.on('message', (data) => console.log(data))
 */
export function realtimeClient<L = unknown>(
  url: string,
  options?: RealtimeClientOptions,
): RealtimeClient<ChannelsOf<L>, PublicationsOf<L>, MethodsOf<L>> {
  return new RealtimeClient(url, options)
}
