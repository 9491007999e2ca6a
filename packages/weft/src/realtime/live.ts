// The realtime endpoint: `realtime()` returns it, `app.ws(path, live)` mounts it. It
// authenticates the upgrade, speaks the protocol (docs/protocol.md) on each socket, and
// joins channels to the broker so a broadcast reaches every instance.
import type { Context } from '../http/context.js'
import { HttpError } from '../http/errors.js'
import { consoleLogger, errorFields, type Logger } from '../http/logger.js'
import { DEFAULT_WEBSOCKET_LIMITS, type WeftSocket } from '../http/websocket.js'
import type { StandardSchemaV1 } from '../schema/standard.js'
import { needPackage } from '../shared/peers.js'
import { type ChannelType, SUBPROTOCOL, tokenFromProtocols } from '../shared/realtime-protocol.js'
import type { Broker } from './brokers/broker.js'
import { brokerFromUrl, brokerNeed, deferredBroker } from './brokers/from-url.js'
import { memoryBroker } from './brokers/memory.js'
import { type ChannelOptions, type ChannelParams, ChannelRegistry } from './channels.js'
import { Connection } from './connection.js'
import { FrameHandler } from './frames.js'
import { LiveQueryHub } from './live-query/index.js'
import { type DeclaredMethod, type MethodOptions, MethodRegistry, type MethodType } from './methods.js'
import type { RealtimeLimits, RealtimeOptions } from './options.js'
import { type PresenceDiff, PresenceTracker } from './presence.js'
import {
  type ArgsOf,
  type DocOf,
  type PublicationHandler,
  type PublicationOptions,
  PublicationRegistry,
  type PublicationResult,
  type PublicationType,
} from './publications.js'
import { scheduleRenewal } from './renewal.js'
import { DEFAULT_REPLAY, type ReplayOptions } from './replay.js'
import { SharedAnswers } from './shared-answers.js'
import { LiveSession } from './subscriptions.js'
import type { Topic } from './topic.js'
import { type Attached, Topics } from './topics.js'

const DEFAULT_LIVE_LIMITS = {
  channels: 100,
  subscriptions: 100,
  resume: 10_000,
  coalesceAt: 64 * 1024,
  rememberedCalls: 10_000,
  rememberFor: 120_000,
}

type AnyRecord = Record<string, any>

/** What the client passes for a schema's arguments; none when the publication or method takes none. */
type ArgsInput<S> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferInput<S>
  : Record<string, never> | undefined
/** A method's answer: its result schema's output, else what the handler returns (awaited). */
type ResultOf<S, Value> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : Awaited<Value>

type ChannelTypeOf<M> = M extends StandardSchemaV1
  ? ChannelType<StandardSchemaV1.InferInput<M>, StandardSchemaV1.InferOutput<M>>
  : ChannelType<never, unknown>

export class Live<
  Channels extends Record<string, ChannelType<any, any>> = {},
  User = unknown,
  Publications extends AnyRecord = {},
  Methods extends AnyRecord = {},
> {
  /** Type-only: the channels declared in this chain, what `realtimeClient<typeof live>` reads. */
  declare readonly '~channels': Channels
  /** Type-only: the publications declared, by name: their arguments and documents. */
  declare readonly '~publications': Publications
  /** Type-only: the methods declared, by name: their arguments and answers. */
  declare readonly '~methods': Methods
  /** The live query engine: one change feed per collection for every subscription here. */
  readonly hub: LiveQueryHub
  readonly limits: RealtimeLimits
  readonly origins: readonly string[] | '*' | undefined
  readonly logger: Logger
  readonly instance = randomId()

  private readonly registry = new ChannelRegistry<User>()
  private readonly topics: Topics
  private readonly broker: Broker
  private readonly loading: Promise<unknown>
  private readonly presence: PresenceTracker
  private readonly frames: FrameHandler<User>
  private readonly publications = new PublicationRegistry<User>()
  private readonly methods: MethodRegistry<User>
  private readonly namespace: string
  private connections = 0

  constructor(private readonly options: RealtimeOptions<User> = {}) {
    this.limits = { ...DEFAULT_WEBSOCKET_LIMITS, ...DEFAULT_LIVE_LIMITS, ...options.limits }
    this.origins = options.origins
    this.logger = options.logger === false ? silent : (options.logger ?? consoleLogger)
    this.namespace = options.namespace ?? 'weft'
    const replay: ReplayOptions | false =
      options.replay === false ? false : { ...DEFAULT_REPLAY, ...options.replay }
    const { broker } = options
    if (typeof broker === 'string') {
      const need = brokerNeed(broker)
      if (need) needPackage(need)
      const loading = brokerFromUrl(broker, { logger: this.logger, replay, namespace: this.namespace })
      this.loading = loading
      this.broker = deferredBroker(loading)
      loading.catch((error) =>
        this.logger.error({ err: errorFields(error) }, 'realtime broker failed to load'),
      )
    } else {
      this.broker = broker ?? memoryBroker()
      this.loading = Promise.resolve()
    }
    this.topics = new Topics(this.instance, this.broker, broker !== undefined, replay, (channel) =>
      this.subject(channel),
    )
    this.presence = new PresenceTracker(
      this.instance,
      this.broker,
      `${this.namespace}.presence`,
      (channel, diff) => this.presenceChanged(channel, diff),
      { interval: 5000, timeout: 15_000, ...options.presence },
    )
    this.presence.start()
    this.hub = options.hub ?? new LiveQueryHub({ logger: this.logger })
    const callMemory =
      broker !== undefined ? this.broker.callMemory?.(this.namespace, this.limits.rememberFor) : undefined
    this.methods = new MethodRegistry(
      this.limits,
      options.dev,
      (error, name) => this.logger.error({ err: errorFields(error), method: name }, 'realtime method failed'),
      callMemory && new SharedAnswers(callMemory, this.logger),
    )
    this.frames = new FrameHandler(this, this.registry, this.presence, options)
  }

  /**
   * Declares a publication: a function of the connection and its validated arguments that
   * returns `collection.find()` cursors. Subscribers get the documents, then every change.
   * @example live.publish('tasks', { args: z.object({ board: z.string() }) },
   *   (conn, { board }) => tasks.find({ board, owner: conn.user.id }, { sort: { at: -1 }, limit: 50 }))
   */
  publish<
    const Name extends string,
    Args extends StandardSchemaV1 | undefined,
    Result extends PublicationResult<any>,
  >(
    name: Name,
    options: PublicationOptions<Args>,
    handler: PublicationHandler<User, ArgsOf<Args>, Result>,
  ): Live<
    Channels,
    User,
    Publications & { [K in Name]: PublicationType<ArgsInput<Args>, DocOf<Result>> },
    Methods
  > {
    this.publications.declare({
      name,
      args: options.args,
      mergebox: options.mergebox !== false,
      run: handler as never,
    })
    return this as never
  }

  /**
   * Declares a method clients call with `rt.call(name, args)`; the answer is `result`, and
   * `updated` follows once its writes have reached the caller's subscriptions.
   * @example live.method('addTask', { args: TaskInput }, (conn, input) => tasks.insertOne(input))
   */
  method<
    const Name extends string,
    Args extends StandardSchemaV1 | undefined,
    Value,
    Result extends StandardSchemaV1 | undefined = undefined,
  >(
    name: Name,
    options: MethodOptions<Args, Result>,
    handler: (conn: Connection<User>, args: ArgsOf<Args>) => Value,
  ): Live<
    Channels,
    User,
    Publications,
    Methods & { [K in Name]: MethodType<ArgsInput<Args>, ResultOf<Result, Value>> }
  > {
    const method: DeclaredMethod<User> = { name, args: options.args, result: options.result, run: handler }
    this.methods.declare(method)
    return this as never
  }

  /** @internal The registries the frame handler answers `sub` and `method` from. */
  liveDeclarations(): { publications: PublicationRegistry<User>; methods: MethodRegistry<User> } {
    return { publications: this.publications, methods: this.methods }
  }

  /** @internal A connection's subscriptions, made on its first `sub`. */
  sessionOf(conn: Connection<User>): LiveSession<User> {
    if (conn.live) return conn.live as LiveSession<User>
    const session = new LiveSession(conn, {
      hub: this.hub,
      publications: this.publications,
      limits: this.limits,
      dev: this.options.dev,
    })
    session.logError = (error, name) =>
      this.logger.error({ err: errorFields(error), publication: name }, 'realtime publication failed')
    conn.live = session
    return session
  }

  /**
   * Declares a channel clients may join: `chat/:room` gives `params.room` to `authorize`.
   * Chain declarations (`realtime().channel(…).channel(…)`) for the typed client to see them.
   */
  channel<const Pattern extends string, Message extends StandardSchemaV1 | undefined = undefined>(
    pattern: Pattern,
    options: ChannelOptions<User, ChannelParams<Pattern>, Message> = {},
  ): Live<Channels & { [K in Pattern]: ChannelTypeOf<Message> }, User, Publications, Methods> {
    this.registry.declare(pattern, options)
    return this as never
  }

  /**
   * Sends `data` to every subscriber of `channel` on every instance. Serialised once.
   * Resolves once the broker's replay log has numbered it, so broadcasts awaited in turn
   * arrive in that order on every instance, even when different instances send them.
   */
  async broadcast(channel: string, data: unknown): Promise<void> {
    const json = JSON.stringify(data)
    if (json === undefined) throw new TypeError('WEFT_BAD_MESSAGE: broadcast data must be JSON-serialisable')
    await this.send(channel, json)
  }

  /** Delivers serialised data to local subscribers and, through the broker, to other instances. */
  send(channel: string, json: string): Promise<void> {
    return this.topics.send(channel, json)
  }

  /**
   * Resolves once the broker's driver is loaded and the broker reached the first time;
   * rejects naming the package when it is missing. Serving does not wait for it: while
   * the broker is away, each instance serves its own clients.
   */
  async ready(): Promise<void> {
    await this.loading
    await this.broker.ready()
  }

  /** Leaves the broker: presence says goodbye, subscriptions end. Sockets close with the server. */
  async shutdown(): Promise<void> {
    this.presence.stop()
    this.topics.close()
    if (!this.options.hub) await this.hub.close()
    await this.broker.close()
  }

  // The WebSocket handlers app.ws() calls. Arrow functions: adapters may call them unbound.

  upgrade = async (ctx: Context<any>): Promise<Connection<User>> => {
    await this.loading
    const offered = (ctx.headerValue('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim())
    const query = ctx.query as Record<string, unknown>
    const token = tokenFromProtocols(offered) ?? (typeof query.token === 'string' ? query.token : undefined)
    let user = undefined as User
    if (this.options.authenticate) {
      const found = await this.options.authenticate(ctx, token)
      if (found === null || found === undefined) {
        throw new HttpError(401, 'Authentication required', { code: 'WEFT_UNAUTHENTICATED' })
      }
      user = found
    }
    const expiresAt = this.expiryOf(user)
    if (expiresAt !== undefined && expiresAt <= Date.now()) {
      throw new HttpError(401, 'The token has expired', { code: 'WEFT_TOKEN_EXPIRED' })
    }
    const conn = new Connection(`${this.instance}.${++this.connections}`, user, expiresAt)
    conn.scope = ctx.scope
    return conn
  }

  protocol = (offered: string[]): string | undefined =>
    offered.includes(SUBPROTOCOL) ? SUBPROTOCOL : undefined

  open = (socket: WeftSocket<Connection<User>>): void => {
    const conn = socket.data
    conn.socket = socket
    scheduleRenewal(conn, this.options.renewBefore ?? 30_000)
  }

  message = (socket: WeftSocket<Connection<User>>, message: string | Uint8Array): void => {
    this.frames.receive(
      socket.data,
      typeof message === 'string' ? message : new TextDecoder().decode(message),
    )
  }

  close = (socket: WeftSocket<Connection<User>>): void => {
    const conn = socket.data
    clearTimeout(conn.renewal)
    conn.connected = false
    for (const name of conn.channels?.keys() ?? []) this.leave(conn, name)
    conn.live?.close()
  }

  /** When `user`'s credential lapses, by the option or a JWT-style `exp`. */
  expiryOf(user: User): number | undefined {
    if (this.options.expiresAt) return this.options.expiresAt(user)
    const exp = (user as { exp?: unknown } | undefined)?.exp
    return typeof exp === 'number' ? exp * 1000 : undefined
  }

  /** Subscribes a connection to a channel, resuming from `since` when it can (see Topics). */
  attach(
    conn: Connection<User>,
    name: string,
    since: { epoch: string; seq: number } | undefined,
    joined: (attached: Attached) => void,
  ): Promise<void> {
    return this.topics.attach(conn, name, since, joined)
  }

  /** Removes a connection from a channel and from its presence. */
  leave(conn: Connection<User>, name: string): void {
    const joined = conn.channels?.get(name)
    if (!joined) return
    conn.channels!.delete(name)
    this.topics.detach(conn, name)
    if (joined.presence) this.presence.untrack(name, conn.id)
  }

  topic(name: string): Topic | undefined {
    return this.topics.get(name)
  }

  private presenceChanged(channel: string, diff: PresenceDiff): void {
    this.topics.get(channel)?.send(JSON.stringify({ msg: 'presence', channel, ...diff }))
  }

  private subject(channel: string): string {
    // NATS splits subjects on dots; channel names may hold them.
    return `${this.namespace}.ch.${channel.replaceAll('.', '%2E')}`
  }
}

/**
 * The realtime endpoint: channels with presence, broadcasts across instances.
 * @example
 * const live = realtime({ authenticate: (ctx) => ctx.state.user ?? null })
 *   .channel('chat/:room', { presence: true, message: z.object({ text: z.string() }) })
 * app.ws('/live', live)
 */
export function realtime<User = unknown>(options?: RealtimeOptions<User>): Live<{}, User> {
  return new Live(options)
}

const silent: Logger = { error() {}, warn() {}, info() {} }

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6))
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('')
}
