// The one contract every broker meets: fire-and-forget publish, subscribe per subject.
// Brokers carry strings; instances behind one broker see each other's channel messages
// and presence. A broker never throws at its callers: an outage is its own business.
import type { Logger } from '../../http/logger.js'

export interface Broker {
  /** Sends `payload` to every subscriber of `subject` on any instance, this one included. */
  publish(subject: string, payload: string): void
  /** Starts delivering `subject`'s messages to `handler` (one handler per subject). */
  subscribe(subject: string, handler: (payload: string) => void): void
  unsubscribe(subject: string): void
  /** Resolves once connected the first time; rejects if the driver cannot be loaded. */
  ready(): Promise<void>
  close(): Promise<void>
  /**
   * Where method answers are remembered for every instance (`name` is the app's namespace,
   * `ttl` how long an answer is kept). Without it each instance remembers its own.
   */
  callMemory?(name: string, ttl: number): CallMemory
}

/**
 * Method calls remembered in the broker, by a key naming the caller and the call id, so a
 * retry on any instance finds the first run. Each method rejects when the broker is away.
 */
export interface CallMemory {
  /**
   * Claims `key` for a run, held for `lease` ms unless renewed. Answers 'claimed' when the
   * caller is to run the call, 'running' while another run holds it, or the remembered answer.
   */
  claim(key: string, lease: number): Promise<'claimed' | 'running' | { answer: string }>
  /** Holds a claim `lease` ms longer: the run is still going. */
  renew(key: string, lease: number): Promise<void>
  /** Remembers the run's answer under `key`, in place of its claim, for the memory's ttl. */
  settle(key: string, answer: string): Promise<void>
}

export interface BrokerOptions {
  logger: Logger
}

/**
 * A broker from its URL: `redis://` / `rediss://` (ioredis), `nats://` (nats). Each driver
 * is an optional peer dependency, imported only when its scheme is named.
 */
export async function brokerFromUrl(url: string, options: BrokerOptions): Promise<Broker> {
  const scheme = url.slice(0, url.indexOf(':'))
  if (scheme === 'redis' || scheme === 'rediss') {
    const { redisBroker } = await import('./redis.js')
    return redisBroker(url, options)
  }
  if (scheme === 'nats' || scheme === 'tls') {
    const { natsBroker } = await import('./nats.js')
    return natsBroker(url, options)
  }
  throw new Error(`WEFT_BAD_BROKER: no broker for "${scheme}:" URLs; use redis://, rediss:// or nats://`)
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

/**
 * A broker that is still loading: subscriptions wait for it, publishes before it is there
 * are dropped, as during an outage.
 */
export function deferredBroker(loading: Promise<Broker>): Broker {
  let broker: Broker | null = null
  const waiting = new Map<string, (payload: string) => void>()
  const loaded = loading.then((b) => {
    broker = b
    for (const [subject, handler] of waiting) b.subscribe(subject, handler)
    waiting.clear()
  })
  loaded.catch(() => {})
  return {
    publish: (subject, payload) => broker?.publish(subject, payload),
    subscribe: (subject, handler) =>
      broker ? broker.subscribe(subject, handler) : waiting.set(subject, handler),
    unsubscribe: (subject) => (broker ? broker.unsubscribe(subject) : waiting.delete(subject)),
    ready: () => loaded.then(() => broker!.ready()),
    close: () =>
      loaded.then(
        () => broker!.close(),
        () => {},
      ),
    callMemory(name, ttl) {
      // Made once the broker is there; a broker that failed to load fails each use (the
      // caller then remembers answers itself).
      const memory = loaded.then(() => {
        if (!broker!.callMemory) throw new Error('this broker does not remember calls')
        return broker!.callMemory(name, ttl)
      })
      memory.catch(() => {})
      return {
        claim: (key, lease) => memory.then((m) => m.claim(key, lease)),
        renew: (key, lease) => memory.then((m) => m.renew(key, lease)),
        settle: (key, answer) => memory.then((m) => m.settle(key, answer)),
      }
    },
  }
}
