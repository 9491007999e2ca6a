// What the server does with each client frame (docs/protocol.md). Frames of one
// connection are handled in order, even when one of them waits (authorize, validation).
import { errorFields, type Logger } from '../http/logger.js'
import type { StandardSchemaV1 } from '../schema/standard.js'
import { issuePath } from '../schema/validate.js'
import {
  type ClientFrame,
  type ErrorFrame,
  errorFrame,
  PROTOCOL_VERSION,
  parseClientFrame,
  RealtimeCloseCode,
} from '../shared/realtime-protocol.js'
import type { ChannelRegistry } from './channels.js'
import type { Connection } from './connection.js'
import type { LiveQueryHub } from './live-query/index.js'
import type { MethodRegistry } from './methods.js'
import type { RealtimeLimits, RealtimeOptions } from './options.js'
import type { PresenceTracker } from './presence.js'
import type { PublicationRegistry } from './publications.js'
import { renewalContext, scheduleRenewal } from './renewal.js'
import type { LiveSession } from './subscriptions.js'
import type { Attached } from './topics.js'

type Pending = Promise<void> | undefined | void
const queues = new WeakMap<Connection<any>, Promise<void>>()

/** What the frame handler asks of the endpoint that makes it (`Live`, in live.ts). */
export interface FrameHost<User> {
  readonly hub: LiveQueryHub
  readonly limits: RealtimeLimits
  readonly logger: Logger
  liveDeclarations(): { publications: PublicationRegistry<User>; methods: MethodRegistry<User> }
  sessionOf(conn: Connection<User>): LiveSession<User>
  send(channel: string, json: string): Promise<void>
  expiryOf(user: User): number | undefined
  attach(
    conn: Connection<User>,
    name: string,
    since: { epoch: string; seq: number } | undefined,
    joined: (attached: Attached) => void,
  ): Promise<void>
  leave(conn: Connection<User>, name: string): void
}

export class FrameHandler<User> {
  constructor(
    private readonly live: FrameHost<User>,
    private readonly registry: ChannelRegistry<User>,
    private readonly presence: PresenceTracker,
    private readonly options: RealtimeOptions<User>,
  ) {}

  receive(conn: Connection<User>, text: string): void {
    const parsed = parseClientFrame(text)
    if (parsed.error) return this.answer(conn, parsed.error)
    const { frame } = parsed
    if (!conn.connected && frame.msg !== 'connect') {
      return conn.socket.close(RealtimeCloseCode.connectFirst, 'send "connect" first')
    }
    const queued = queues.get(conn)
    const run = () => this.handle(conn, frame)
    const result = queued ? queued.then(run) : run()
    if (!result) return
    const settled: Promise<void> = result.catch((error) => this.fail(conn, frame, error))
    queues.set(conn, settled)
    settled.then(() => {
      if (queues.get(conn) === settled) queues.delete(conn)
    })
  }

  private handle(conn: Connection<User>, frame: ClientFrame): Pending {
    switch (frame.msg) {
      case 'connect':
        return this.connect(conn, frame)
      case 'ping':
        return void conn.send(
          JSON.stringify(frame.id === undefined ? { msg: 'pong' } : { msg: 'pong', id: frame.id }),
        )
      case 'pong':
        return
      case 'join':
        return this.join(conn, frame)
      case 'leave':
        this.live.leave(conn, frame.channel)
        return void conn.send(JSON.stringify({ msg: 'left', id: frame.id, channel: frame.channel }))
      case 'publish':
        return this.publish(conn, frame)
      case 'auth':
        return this.renew(conn, frame)
      case 'sub':
        // Not awaited: a slow first query must not hold up the connection's other frames.
        this.live
          .sessionOf(conn)
          .subscribe(frame)
          .catch((error: unknown) => this.fail(conn, frame, error))
        return
      case 'unsub':
        return void conn.live?.unsubscribe(frame.id)
      case 'method':
        return this.call(conn, frame)
    }
  }

  /**
   * Methods of one connection run in order (as DDP's do). `updated` waits for the write
   * fence, and for the changes held back for the socket, without holding up the next call.
   */
  private async call(conn: Connection<User>, frame: Extract<ClientFrame, { msg: 'method' }>): Promise<void> {
    const { methods } = this.live.liveDeclarations()
    const answer = await methods.call(conn, frame.id, frame.name, frame.args)
    if (!conn.connected) return
    conn.send(answer.frame)
    const updated = JSON.stringify({ msg: 'updated', methods: [frame.id] })
    this.live.hub.fence().then(
      () => {
        if (!conn.connected) return
        if (conn.live) conn.live.sendAfterChanges(updated)
        else conn.send(updated)
      },
      (error: unknown) => this.fail(conn, frame, error),
    )
  }

  private connect(conn: Connection<User>, frame: Extract<ClientFrame, { msg: 'connect' }>): Pending {
    if (!frame.support.includes(PROTOCOL_VERSION) && frame.version !== PROTOCOL_VERSION) {
      conn.send(JSON.stringify({ msg: 'failed', version: PROTOCOL_VERSION }))
      return void conn.socket.close(RealtimeCloseCode.versionMismatch, 'no common protocol version')
    }
    conn.connected = true
    const { maxMessage, channels } = this.live.limits
    conn.send(
      JSON.stringify({
        msg: 'connected',
        session: conn.id,
        version: PROTOCOL_VERSION,
        limits: { maxMessage, channels },
      }),
    )
  }

  private async join(conn: Connection<User>, frame: Extract<ClientFrame, { msg: 'join' }>): Promise<void> {
    const { id, channel: name } = frame
    const match = this.registry.match(name)
    if (!match)
      return this.answer(
        conn,
        errorFrame(404, 'WEFT_NO_SUCH_CHANNEL', `No channel "${name}"`, { id, channel: name }),
      )
    if (!conn.channels?.has(name) && (conn.channels?.size ?? 0) >= this.live.limits.channels) {
      const detail = `A connection may join ${this.live.limits.channels} channels`
      return this.answer(conn, errorFrame(429, 'WEFT_TOO_MANY_CHANNELS', detail, { id, channel: name }))
    }
    const { channel, params } = match
    const { authorize, presence } = channel.options
    if (authorize && !(await authorize(conn, params))) {
      return this.answer(
        conn,
        errorFrame(403, 'WEFT_FORBIDDEN', `Not allowed to join "${name}"`, { id, channel: name }),
      )
    }
    if (!conn.connected) return // closed while authorize ran
    if (conn.channels?.has(name)) this.live.leave(conn, name)
    await this.live.attach(conn, name, frame.since, ({ topic, seq, missed }) => {
      ;(conn.channels ??= new Map()).set(name, {
        presence: Boolean(presence),
        message: channel.options.message,
      })
      if (presence) {
        const option = typeof presence === 'object' ? presence : {}
        const meta = { ...option.meta?.(conn, params), ref: conn.id }
        this.presence.track(name, option.key?.(conn) ?? defaultKey(conn), meta)
      }
      topic.subscribers.add(conn)
      // Resumed: `joined` at the client's own position, then what it missed, in order.
      conn.send(JSON.stringify({ msg: 'joined', id, channel: name, epoch: topic.epoch, seq }))
      if (missed) for (const message of missed) conn.send(message)
      else conn.send(JSON.stringify({ msg: 'resync', channel: name, epoch: topic.epoch, seq }))
      if (presence)
        conn.send(JSON.stringify({ msg: 'presence', channel: name, state: this.presence.list(name) }))
    })
  }

  /** Synchronous when the schema is (zod, valibot): a chat message costs no promise. */
  private publish(conn: Connection<User>, frame: Extract<ClientFrame, { msg: 'publish' }>): Pending {
    const { id, channel: name } = frame
    const joined = conn.channels?.get(name)
    if (!joined) {
      const detail = `Join "${name}" before sending to it`
      return this.answer(conn, errorFrame(403, 'WEFT_FORBIDDEN', detail, { id, channel: name }))
    }
    const schema = joined.message
    if (!schema) {
      const detail = `"${name}" takes no messages from clients`
      return this.answer(conn, errorFrame(403, 'WEFT_READ_ONLY_CHANNEL', detail, { id, channel: name }))
    }
    const result = schema['~standard'].validate(frame.data)
    if (result instanceof Promise) return result.then((settled) => this.validated(conn, frame, settled))
    this.validated(conn, frame, result)
  }

  private validated(
    conn: Connection<User>,
    { id, channel }: Extract<ClientFrame, { msg: 'publish' }>,
    result: StandardSchemaV1.Result<unknown>,
  ): void {
    if (result.issues) {
      const issues = result.issues.map((issue) => ({ path: issuePath(issue), message: issue.message }))
      const detail = "The message does not match the channel's schema"
      return this.answer(conn, errorFrame(422, 'WEFT_INVALID_MESSAGE', detail, { id, channel, issues }))
    }
    void this.live.send(channel, JSON.stringify(result.value))
  }

  private async renew(conn: Connection<User>, frame: Extract<ClientFrame, { msg: 'auth' }>): Promise<void> {
    const user = await this.options.authenticate?.(renewalContext(frame.token), frame.token)
    const expiresAt = user === null || user === undefined ? undefined : this.live.expiryOf(user)
    if (user === null || user === undefined || (expiresAt !== undefined && expiresAt <= Date.now())) {
      return this.answer(
        conn,
        errorFrame(401, 'WEFT_UNAUTHENTICATED', 'The token was refused', { id: frame.id }),
      )
    }
    conn.user = user
    conn.expiresAt = expiresAt
    scheduleRenewal(conn, this.options.renewBefore ?? 30_000)
    conn.send(
      JSON.stringify(
        expiresAt === undefined
          ? { msg: 'authed', id: frame.id }
          : { msg: 'authed', id: frame.id, expiresAt },
      ),
    )
  }

  private answer(conn: Connection<User>, frame: ErrorFrame): void {
    conn.send(JSON.stringify(frame))
  }

  private fail(conn: Connection<User>, frame: ClientFrame, error: unknown): void {
    this.live.logger.error({ err: errorFields(error), frame: frame.msg }, 'realtime frame failed')
    const detail = this.options.dev && error instanceof Error ? error.message : undefined
    const about = {
      id: 'id' in frame ? frame.id : undefined,
      channel: 'channel' in frame ? frame.channel : undefined,
    }
    this.answer(conn, errorFrame(500, 'WEFT_INTERNAL', detail, about))
  }
}

/** A user's id when it has one (several tabs are one presence), else the connection's. */
function defaultKey(conn: Connection<any>): string {
  const id = (conn.user as { id?: unknown } | undefined)?.id
  return typeof id === 'string' || typeof id === 'number' ? String(id) : conn.id
}
