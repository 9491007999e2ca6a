// Redis pub/sub through `ioredis` (an optional peer dependency). Two connections, as Redis
// requires: one publishes, one subscribes. During an outage publishes are dropped rather
// than queued (bounded memory), ioredis reconnects with backoff and resubscribes.
import type { Redis as RedisClient } from 'ioredis'
import { type Broker, type BrokerOptions, backoff, type CallMemory, loadPeer, outageLog } from './broker.js'

/** What a claimed call's key holds until its answer replaces it (answers are JSON objects). */
const RUNNING = 'running'

export async function redisBroker(url: string, { logger }: BrokerOptions): Promise<Broker> {
  const { Redis } = await loadPeer('ioredis', () => import('ioredis'), 'A redis:// broker')
  const outage = outageLog(logger, 'redis')
  const common = { retryStrategy: (times: number) => 100 + backoff(times), lazyConnect: false }
  const publisher: RedisClient = new Redis(url, {
    ...common,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  })
  const subscriber: RedisClient = new Redis(url, {
    ...common,
    autoResubscribe: true,
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
    async close() {
      handlers.clear()
      publisher.disconnect()
      subscriber.disconnect()
    },
    callMemory: (name, ttl) => redisCallMemory(publisher, name, ttl),
  }
}

/**
 * Calls remembered as plain keys: SET NX PX claims (the lease lapses by itself if the
 * instance dies mid-run), the answer then replaces the claim with the answer's expiry. The
 * publishing connection fails at once while Redis is away, so callers never wait on it.
 */
function redisCallMemory(redis: RedisClient, name: string, ttl: number): CallMemory {
  const keyOf = (key: string) => `${name}:call:${key}`
  return {
    async claim(key, lease) {
      if ((await redis.set(keyOf(key), RUNNING, 'PX', lease, 'NX')) === 'OK') return 'claimed'
      const held = await redis.get(keyOf(key))
      // Gone between the two commands (the lease lapsed): the next claim may take it.
      return held === null || held === RUNNING ? 'running' : { answer: held }
    },
    async renew(key, lease) {
      await redis.set(keyOf(key), RUNNING, 'PX', lease, 'XX')
    },
    async settle(key, answer) {
      await redis.set(keyOf(key), answer, 'PX', ttl)
    },
  }
}
