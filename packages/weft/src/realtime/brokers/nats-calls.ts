// Method answers kept in a NATS JetStream key-value bucket for every instance (see
// shared-answers.ts).
import type { KV, NatsConnection } from 'nats'
import type { CallMemory } from './call-memory.js'

/** A claim's value: when it was last renewed, so a lapsed one (its instance died) is taken over. */
const RUNNING = 'running:'

/**
 * Calls remembered in a JetStream key-value bucket whose ttl is the answers' (the server
 * forgets them by itself). A claim is a create (which fails if the key exists); the answer
 * replaces it. The bucket is made on first use, and again after a failure.
 */
export function natsCallMemory(
  connection: () => NatsConnection | null,
  name: string,
  ttl: number,
): CallMemory {
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
