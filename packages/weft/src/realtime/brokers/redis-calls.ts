// Method answers kept in Redis for every instance (see shared-answers.ts).
import type { Redis as RedisClient } from 'ioredis'
import type { CallMemory } from './call-memory.js'

/** What a claimed call's key holds until its answer replaces it (answers are JSON objects). */
const RUNNING = 'running'

/**
 * Calls remembered as plain keys: SET NX PX claims (the lease lapses by itself if the
 * instance dies mid-run), the answer then replaces the claim with the answer's expiry. The
 * publishing connection fails at once while Redis is away, so callers never wait on it.
 */
export function redisCallMemory(redis: RedisClient, name: string, ttl: number): CallMemory {
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
