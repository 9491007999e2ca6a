// Which broker an app gets: the one its URL names, loaded when the scheme is first named,
// and a stand-in for it while it loads. Apart from broker.ts, so the brokers can use that
// file's helpers without it importing them back.
import { canImport, type PackageNeed } from '../../shared/peers.js'
import type { Broker, BrokerOptions } from './broker.js'

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

/**
 * The package a broker URL needs, recorded by `realtime()` so the app's start-up check
 * (`serve()`, `checkPackages()`) names it before serving; null for other schemes.
 */
export function brokerNeed(url: string): PackageNeed | null {
  const scheme = url.slice(0, url.indexOf(':'))
  const name =
    scheme === 'redis' || scheme === 'rediss'
      ? 'ioredis'
      : scheme === 'nats' || scheme === 'tls'
        ? 'nats'
        : null
  if (!name) return null
  return {
    package: name,
    neededBy: `weftjs/realtime (a ${scheme}:// broker)`,
    present: () => canImport(name),
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
    get log() {
      return broker?.log
    },
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
