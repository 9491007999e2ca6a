// Channel declarations (patterns with params, who may join, what clients may send) and
// the channels this instance has subscribers for, each with its sequence numbers.
import { Router } from '../http/router.js'
import type { StandardSchemaV1 } from '../schema/standard.js'
import { messageFrame, messageHead } from '../shared/realtime-protocol.js'
import type { Connection } from './connection.js'
import { ReplayBuffer, type ReplayOptions } from './replay.js'

/** Params of a channel pattern: `chat/:room` -> `{ room: string }`. */
export type ChannelParams<Pattern extends string> = Pattern extends `${infer Head}/${infer Rest}`
  ? SegmentParam<Head> & ChannelParams<Rest>
  : SegmentParam<Pattern>
type SegmentParam<S extends string> = S extends `:${infer Name}` ? { [K in Name]: string } : {}

export interface PresenceOption<User> {
  /** Who an entry is: default `conn.user.id` when there is one, else the connection. */
  key?(conn: Connection<User>): string
  /** What others see about this connection (the `ref` is added). */
  meta?(conn: Connection<User>, params: Record<string, string>): Record<string, unknown>
}

export interface ChannelOptions<User, Params, Message extends StandardSchemaV1 | undefined> {
  /** Decides each join; false refuses it (403). Default: everyone may join. */
  authorize?(conn: Connection<User>, params: Params): boolean | Promise<boolean>
  /** Tracks who is in the channel and tells its members. */
  presence?: boolean | PresenceOption<User>
  /**
   * Clients may send messages to the channel, each validated by this Standard Schema
   * (invalid: a 422 error frame, the socket stays open). Without it the channel is
   * read-only for clients; `live.broadcast()` always works.
   */
  message?: Message
}

export interface DeclaredChannel<User = unknown> {
  pattern: string
  options: ChannelOptions<User, any, StandardSchemaV1 | undefined>
}

export class ChannelRegistry<User> {
  private readonly router = new Router<DeclaredChannel<User>>()

  declare(pattern: string, options: DeclaredChannel<User>['options']): void {
    if (pattern.startsWith('/'))
      throw new TypeError(`WEFT_BAD_CHANNEL: channel patterns do not start with "/": ${pattern}`)
    this.router.add('GET', `/${pattern}`, { pattern, options })
  }

  match(name: string): { channel: DeclaredChannel<User>; params: Record<string, string> } | null {
    const found = this.router.find('GET', `/${name}`)
    return found && { channel: found.value, params: found.params }
  }
}

/** A channel this instance has local subscribers for. */
export class Topic {
  readonly subscribers = new Set<Connection<any>>()
  /** The last sequence number sent on this channel in this epoch. */
  seq = 0
  /** While the topic has no subscribers: the timer that drops it once the replay window passed. */
  lingering: ReturnType<typeof setTimeout> | undefined = undefined
  private readonly head: string
  private readonly replay: ReplayBuffer | null

  constructor(
    readonly name: string,
    readonly epoch: string,
    replay: ReplayOptions | false,
  ) {
    this.head = messageHead(name)
    this.replay = replay ? new ReplayBuffer(replay) : null
  }

  /** Numbers one message, keeps it for replay, and sends the same frame to every local subscriber. */
  deliver(dataJson: string): void {
    const frame = messageFrame(this.head, ++this.seq, dataJson)
    this.replay?.push(this.seq, frame)
    for (const conn of this.subscribers) conn.send(frame)
  }

  /**
   * The frames a client that saw `since` missed, in order; null when it must resync: another
   * epoch (this instance restarted the channel, or another instance numbered it) or gone
   * past the replay window.
   */
  missed(since: { epoch: string; seq: number }): string[] | null {
    if (since.epoch !== this.epoch || !this.replay) return null
    return this.replay.after(since.seq, this.seq)
  }

  /** What the replay window holds now. */
  get held(): { messages: number; bytes: number } {
    return this.replay?.size ?? { messages: 0, bytes: 0 }
  }

  /** Sends one encoded frame (presence, say) to every local subscriber but `except`. */
  send(frame: string, except?: Connection<any>): void {
    for (const conn of this.subscribers) if (conn !== except) conn.send(frame)
  }
}
