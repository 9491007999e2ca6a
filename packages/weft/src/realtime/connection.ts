// One client's connection: who it is, what it joined, and its socket. Kept small: an
// idle connection's memory is a number the benchmarks watch.
import type { Key, RequestScope } from '../http/scope.js'
import type { WeftSocket } from '../http/websocket.js'
import type { StandardSchemaV1 } from '../schema/standard.js'

export interface Joined {
  /** Whether the connection is tracked in the channel's presence. */
  presence: boolean
  /** The schema of client messages, when the channel takes them. */
  message: StandardSchemaV1 | undefined
}

/** What a connection holds of its live session (`LiveSession` in subscriptions.ts). */
export interface LiveState {
  unsubscribe(id: string): void
  /** Sends `frame` once the changes held for the client have gone out. */
  sendAfterChanges(frame: string): void
  close(): void
}

export class Connection<User = unknown> {
  /** The socket; set once the upgrade completed. */
  socket!: WeftSocket<Connection<User>>
  /** Whether the client sent `connect`. */
  connected = false
  /** Channels joined, by name; created on the first join. */
  channels: Map<string, Joined> | undefined = undefined
  /** The renewal deadline timer, when the credential expires. */
  renewal: ReturnType<typeof setTimeout> | undefined = undefined
  /** Publications subscribed and changes held back while the socket is behind; created on the first `sub`. */
  live: LiveState | undefined = undefined
  /** The upgrade request's scope (weftjs/di), from which each call forks its own. */
  scope: RequestScope | undefined = undefined

  constructor(
    /** Unique across instances: the session id and the presence ref. */
    readonly id: string,
    /** What `authenticate` returned for this connection. */
    public user: User,
    /** When the credential lapses (ms since 1970), if it does. */
    public expiresAt: number | undefined,
  ) {}

  /** Sends one encoded frame; false when the socket is gone or was closed as a slow consumer. */
  send(frame: string): boolean {
    return this.socket.send(frame)
  }

  /**
   * A provider of the app's modules (weftjs/di). Inside a method or publication it resolves
   * request-scoped providers in that call's own scope.
   */
  get<T>(key: Key<T>): T {
    if (!this.scope) {
      throw new Error(
        'WEFT_NO_MODULES: conn.get(X) resolves providers of modules; create the app with weft({ modules })',
      )
    }
    return this.scope.get(key)
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress
  }
}
