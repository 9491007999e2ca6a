// The one contract every broker meets: fire-and-forget publish, subscribe per subject.
// Brokers carry strings; instances behind one broker see each other's channel messages
// and presence. A broker never throws at its callers: an outage is its own business.
import type { Logger } from '../../http/logger.js'
import type { CallMemory } from './call-memory.js'

export interface Broker {
  /** Sends `payload` to every subscriber of `subject` on any instance, this one included. */
  publish(subject: string, payload: string): void
  /** Starts delivering `subject`'s messages to `handler` (one handler per subject). */
  subscribe(subject: string, handler: (payload: string) => void): void
  unsubscribe(subject: string): void
  /** Resolves once connected the first time; rejects if the driver cannot be loaded. */
  ready(): Promise<void>
  close(): Promise<void>
  /** A shared log numbering every channel message for all instances, when the broker keeps one. */
  log?: ChannelLog
  /**
   * Where method answers are remembered for every instance (`name` is the app's namespace,
   * `ttl` how long an answer is kept). Without it each instance remembers its own.
   */
  callMemory?(name: string, ttl: number): CallMemory
}

/** Where a channel's numbering stands: its epoch and the last sequence number in it. */
export interface LogPosition {
  epoch: string
  seq: number
}

/**
 * The replay window shared by every instance (Redis Streams, NATS JetStream): it numbers
 * each channel message once, keeps it for the window, and publishes it numbered, so a
 * client resumes on any instance.
 */
export interface ChannelLog {
  /**
   * Numbers and keeps one message, then publishes `<epoch> <seq> <json>` on `subject`
   * to every instance (this one too), in numbering order. Resolves false when the log is
   * out of reach: the caller serves its own subscribers alone. Never rejects.
   */
  append(channel: string, subject: string, json: string): Promise<boolean>
  /** Where the channel's numbering stands now; a channel never seen starts an epoch. */
  position(channel: string): Promise<LogPosition>
  /** The messages after `since`, oldest first, or null when they are not all held any more. */
  after(channel: string, since: LogPosition): Promise<{ seq: number; json: string }[] | null>
  /**
   * Whether a channel's sequence numbers grow by exactly one (Redis), or only grow (JetStream
   * numbers messages across the whole stream): a gap then does not mean a loss.
   */
  contiguous: boolean
  /**
   * Delivers the channel's messages after `seq` to `handler`, in order, when the log
   * delivers them itself (JetStream consumers); without it they come through `subscribe`
   * as `<epoch> <seq> <json>`.
   */
  follow?(channel: string, seq: number, handler: (epoch: string, seq: number, json: string) => void): void
  unfollow?(channel: string): void
}

export interface BrokerOptions {
  logger: Logger
  /** The replay window the log keeps, or false for no log (plain pub/sub). */
  replay?: { window: number; messages: number } | false
  /** Prefix of the log's keys or stream names. */
  namespace?: string
}

/** A fresh epoch: random, so two numberings of one channel never share one. */
export function newEpoch(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6))
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('')
}

/** Imports an optional peer dependency, or fails with the command that installs it. */
export async function loadPeer<T>(name: string, load: () => Promise<T>, purpose: string): Promise<T> {
  try {
    return await load()
  } catch (cause) {
    throw new Error(
      `WEFT_MISSING_PEER: ${purpose} needs the "${name}" package. Install it: npm install ${name}`,
      {
        cause,
      },
    )
  }
}

/** Reconnect delays: exponential from 100 ms to 5 s, with full jitter so instances do not retry in step. */
export function backoff(attempt: number): number {
  return Math.round(Math.random() * Math.min(5000, 100 * 2 ** Math.min(attempt, 10)))
}

/** Logs a broker's outage once, and its return once: never a line per retry. */
export function outageLog(logger: Logger, name: string) {
  let down = false
  return {
    down(error: unknown) {
      if (down) return
      down = true
      logger.warn(
        { broker: name, err: String(error) },
        'broker unreachable: serving local clients, reconnecting with backoff',
      )
    },
    up() {
      if (!down) return
      down = false
      logger.info({ broker: name }, 'broker reconnected')
    },
  }
}
