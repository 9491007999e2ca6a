import type { RateLimitStore } from './store.js'

/**
 * A Redis client of either common shape: node-redis (`sendCommand([...])`) or ioredis
 * (`call(command, ...args)`). Only EVAL is used.
 */
export type RedisLike =
  | { sendCommand(args: string[]): Promise<unknown> }
  | { call(command: string, ...args: string[]): Promise<unknown> }

export interface RedisStoreOptions {
  client: RedisLike
  /** Prepended to every key. Default `weft:rl:`. */
  prefix?: string
}

// One round trip, atomic: count this window, keep it two windows (the sliding algorithm
// reads the previous one), and read the previous window's count.
const SCRIPT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
return { current, previous }`

/** Runs one Redis command on a client of either shape. */
export function redisCommand(client: RedisLike, args: string[]): Promise<unknown> {
  if ('sendCommand' in client) return client.sendCommand(args)
  if ('call' in client) return client.call(args[0], ...args.slice(1))
  throw new TypeError('WEFT_BAD_REDIS_CLIENT: pass a node-redis or ioredis client')
}

/**
 * Counts in Redis, shared by every instance of the app.
 * @example rateLimit({ store: redisStore({ client: createClient({ url }) }) })
 */
export function redisStore(options: RedisStoreOptions): RateLimitStore {
  const prefix = options.prefix ?? 'weft:rl:'
  return {
    async hit(key, window, windowMs) {
      const keys = [`${prefix}${key}:${window}`, `${prefix}${key}:${window - 1}`]
      const reply = (await redisCommand(options.client, [
        'EVAL',
        SCRIPT,
        '2',
        ...keys,
        String(windowMs * 2),
      ])) as [number, number]
      return { current: Number(reply[0]), previous: Number(reply[1]) }
    },
  }
}
