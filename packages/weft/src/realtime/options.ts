// What `realtime(options)` takes, and the limits it enforces per connection.
import type { Context } from '../http/context.js'
import type { Logger } from '../http/logger.js'
import type { WebSocketLimits } from '../http/websocket.js'
import type { Broker } from './brokers/broker.js'
import type { LiveQueryHub } from './live-query/index.js'
import type { MethodLimits } from './methods.js'
import type { PresenceOptions } from './presence.js'
import type { ReplayOptions } from './replay.js'
import type { SubscriptionLimits } from './subscriptions.js'

export interface RealtimeLimits extends WebSocketLimits, SubscriptionLimits, MethodLimits {
  /** Channels one connection may join. Default 100. */
  channels: number
}

export interface RealtimeOptions<User> {
  /** `redis://…`, `nats://…`, a Broker, or nothing for in-process (one instance). */
  broker?: string | Broker
  /**
   * Who is connecting, from the upgrade request (cookies, headers) or the token the client
   * sent (`Sec-WebSocket-Protocol` or `?token=`). null refuses the upgrade with 401.
   * When a client renews its token on an open socket, `ctx` is a request carrying only
   * that token. Without this option every connection is anonymous.
   */
  authenticate?(
    ctx: Context,
    token: string | undefined,
  ): User | null | undefined | Promise<User | null | undefined>
  /** When `user`'s credential lapses (ms since 1970). Default: a JWT-style `exp` (seconds) on the user. */
  expiresAt?(user: User): number | undefined
  /** How long before expiry the client is asked to renew (`reauth`). Default 30 s. */
  renewBefore?: number
  limits?: Partial<RealtimeLimits>
  /** Allowed browser origins; default the app's own host (see app.ws). */
  origins?: readonly string[] | '*'
  presence?: Partial<PresenceOptions>
  /**
   * The replay window: a client that rejoins a channel within it gets the messages it
   * missed; later, it is told to resync. Default 2 minutes, 1000 messages and 1 MiB per
   * channel; false turns replay off (every rejoin resyncs).
   */
  replay?: Partial<ReplayOptions> | false
  /** Prefix of broker subjects, so apps sharing a broker stay apart. Default 'weft'. */
  namespace?: string
  logger?: Logger | false
  /** Error frames carry messages of unexpected errors. Default false. */
  dev?: boolean
  /** The live query engine; default one of its own. Pass one to share it between endpoints. */
  hub?: LiveQueryHub
}
