// NATS core pub/sub through `nats` (an optional peer dependency). The client reconnects by
// itself with jittered waits; what is published while it is away is dropped, not queued
// (the client's own queue has no bound), so an outage never grows memory.
import type { KV, NatsConnection, Subscription } from 'nats'
import { type Broker, type BrokerOptions, type CallMemory, loadPeer, outageLog } from './broker.js'

export async function natsBroker(url: string, { logger }: BrokerOptions): Promise<Broker> {
  const nats = await loadPeer('nats', () => import('nats'), 'A nats:// broker')
  const outage = outageLog(logger, 'nats')
  const handlers = new Map<string, (payload: string) => void>()
  const subscriptions = new Map<string, Subscription>()
  const encoder = new TextEncoder()
  const decoder = new TextDecoder()
  let connection: NatsConnection | null = null
  let closed = false
  let online = false

  const listen = (nc: NatsConnection, subject: string) => {
    const handler = (_error: unknown, message: { data: Uint8Array }) =>
      handlers.get(subject)?.(decoder.decode(message.data))
    subscriptions.set(subject, nc.subscribe(subject, { callback: handler }))
  }

  const ready = nats
    .connect({
      servers: url.replace(/^nats:\/\//, ''),
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 500,
      waitOnFirstConnect: true,
      pingInterval: 5000,
      maxPingOut: 2,
    })
    .then(async (nc) => {
      if (closed) return void (await nc.close())
      connection = nc
      online = true
      for (const subject of handlers.keys()) listen(nc, subject)
      watchStatus(nc)
    })

  const watchStatus = async (nc: NatsConnection) => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'error') {
        online = false
        outage.down(status.data)
      } else if (status.type === 'reconnect') {
        online = true
        outage.up()
      }
    }
  }

  return {
    publish(subject, payload) {
      if (!online || !connection) return
      try {
        connection.publish(subject, encoder.encode(payload))
      } catch (error) {
        outage.down(error)
      }
    },
    subscribe(subject, handler) {
      const known = handlers.has(subject)
      handlers.set(subject, handler)
      if (!known && connection) listen(connection, subject)
    },
    unsubscribe(subject) {
      if (!handlers.delete(subject)) return
      subscriptions.get(subject)?.unsubscribe()
      subscriptions.delete(subject)
    },
    ready: () => ready,
    async close() {
      closed = true
      handlers.clear()
      await connection?.close()
    },
    // Offline: fail at once (the caller remembers answers itself) rather than wait on a request.
    callMemory: (name, ttl) => natsCallMemory(() => (online ? connection : null), name, ttl),
  }
}

/** A claim's value: when it was last renewed, so a lapsed one (its instance died) is taken over. */
const RUNNING = 'running:'

/**
 * Calls remembered in a JetStream key-value bucket whose ttl is the answers' (the server
 * forgets them by itself). A claim is a create (which fails if the key exists); the answer
 * replaces it. The bucket is made on first use, and again after a failure.
 */
function natsCallMemory(connection: () => NatsConnection | null, name: string, ttl: number): CallMemory {
  let bucket: Promise<KV> | null = null
  const kv = () => {
    const nc = connection()
    if (!nc) return Promise.reject(new Error('nats is not connected'))
    if (bucket) return bucket
    const made = nc.jetstream().views.kv(`${name.replace(/[^\w-]/g, '_')}_calls`, { ttl, history: 1 })
    made.catch(() => {
      if (bucket === made) bucket = null
    })
    return (bucket = made)
  }
  const encode = (value: string) => new TextEncoder().encode(value)
  return {
    async claim(key, lease) {
      const store = await kv()
      const claim = `${RUNNING}${Date.now()}`
      try {
        await store.create(key, encode(claim))
        return 'claimed'
      } catch {
        // Most often the key exists; if the server is away, the get below fails too.
      }
      const entry = await store.get(key)
      if (entry?.operation !== 'PUT') return 'running'
      const held = entry.string()
      if (!held.startsWith(RUNNING)) return { answer: held }
      if (Date.now() - Number(held.slice(RUNNING.length)) <= lease) return 'running'
      // The run's instance stopped renewing: take the claim over, unless another retry just did.
      return store.update(key, encode(claim), entry.revision).then(
        () => 'claimed' as const,
        () => 'running' as const,
      )
    },
    async renew(key) {
      await (await kv()).put(key, encode(`${RUNNING}${Date.now()}`))
    },
    async settle(key, answer) {
      await (await kv()).put(key, encode(answer))
    },
  }
}
