// Channel declarations: patterns with params, who may join, what clients may send.
import { Router } from '../http/router.js'
import type { StandardSchemaV1 } from '../schema/standard.js'
import type { Connection } from './connection.js'

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
