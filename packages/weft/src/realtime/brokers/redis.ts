// Redis pub/sub through `ioredis` (an optional peer dependency). Two connections, as Redis
// requires: one publishes, one subscribes. During an outage publishes are dropped rather
// than queued (bounded memory); ioredis reconnects with backoff, and the subscriptions are
// made again on each connection. The replay window lives in Redis Streams (redis-log.ts),
// so a client resumes on any instance.
import type { Redis as RedisClient } from 'ioredis'
import { type Broker, type BrokerOptions, backoff, loadPeer, outageLog } from './broker.js'
import { redisCallMemory } from './redis-calls.js'
import { redisLog } from './redis-log.js'

export async function redisBroker(
  url: string,
  { logger, replay, namespace }: BrokerOptions,
): Promise<Broker> {
  const { Redis } = await loadPeer('ioredis', () => import('ioredis'), 'A redis:// broker')
  const outage = outageLog(logger, 'redis')
  const common = { retryStrategy: (times: number) => 100 + backoff(times), lazyConnect: false }
  const publisher: RedisClient = new Redis(url, {
    ...common,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  })
  // Resubscribed here, not by ioredis: its own resubscribe has no rejection handler, and a
  // connection lost again while it is in flight rejected it unhandled, which ends the process.
  const subscriber: RedisClient = new Redis(url, {
    ...common,
    autoResubscribe: false,
    maxRetriesPerRequest: null,
  })
  const handlers = new Map<string, (payload: string) => void>()
  let connected: () => void = () => {}
  const ready = new Promise<void>((resolve) => (connected = resolve))

  for (const client of [publisher, subscriber]) {
    client.on('error', (error: unknown) => outage.down(error))
    client.on('ready', () => {
      if (publisher.status === 'ready' && subscriber.status === 'ready') {
        outage.up()
        connected()
      }
    })
  }
  subscriber.on('ready', () => {
    if (handlers.size > 0)
      subscriber.subscribe(...handlers.keys()).catch((error: unknown) => outage.down(error))
  })
  subscriber.on('message', (subject: string, payload: string) => handlers.get(subject)?.(payload))

  return {
    publish(subject, payload) {
      if (publisher.status !== 'ready') return
      publisher.publish(subject, payload).catch((error: unknown) => outage.down(error))
    },
    subscribe(subject, handler) {
      const known = handlers.has(subject)
      handlers.set(subject, handler)
      if (!known) subscriber.subscribe(subject).catch((error: unknown) => outage.down(error))
    },
    unsubscribe(subject) {
      if (!handlers.delete(subject)) return
      subscriber.unsubscribe(subject).catch((error: unknown) => outage.down(error))
    },
    ready: () => ready,
    log: replay ? redisLog(publisher, replay, { namespace }) : undefined,
    async close() {
      handlers.clear()
      publisher.disconnect()
      subscriber.disconnect()
    },
    callMemory: (name, ttl) => redisCallMemory(publisher, name, ttl),
  }
}
