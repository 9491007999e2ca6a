import { type RedisLike, redisCommand } from '../rate-limit/redis-store.js'

/** Where server-side sessions live; the cookie then holds only a signed id. */
export interface SessionStore {
  get(id: string): Promise<Record<string, unknown> | null>
  set(id: string, data: Record<string, unknown>, ttlMs: number): Promise<void>
  destroy(id: string): Promise<void>
}

/** Sessions in this process's memory: for development and tests (lost on restart, one instance). */
export function memorySessionStore(): SessionStore {
  const sessions = new Map<string, { data: string; expires: number }>()
  return {
    async get(id) {
      const entry = sessions.get(id)
      if (!entry || entry.expires < Date.now()) {
        sessions.delete(id)
        return null
      }
      return JSON.parse(entry.data)
    },
    async set(id, data, ttlMs) {
      sessions.set(id, { data: JSON.stringify(data), expires: Date.now() + ttlMs })
    },
    async destroy(id) {
      sessions.delete(id)
    },
  }
}

/**
 * Sessions in Redis, shared by every instance; each key expires with its session.
 * @example session({ secret, store: redisSessionStore({ client }) })
 */
export function redisSessionStore(options: { client: RedisLike; prefix?: string }): SessionStore {
  const prefix = options.prefix ?? 'weft:sess:'
  const run = (args: string[]) => redisCommand(options.client, args)
  return {
    async get(id) {
      const text = (await run(['GET', prefix + id])) as string | null
      return text ? JSON.parse(text) : null
    },
    async set(id, data, ttlMs) {
      await run(['SET', prefix + id, JSON.stringify(data), 'PX', String(Math.max(1, Math.floor(ttlMs)))])
    },
    async destroy(id) {
      await run(['DEL', prefix + id])
    },
  }
}

/** A weftjs/data collection (or anything with its find/update shape) as the session store. */
export interface SessionCollection {
  findOne(filter: Record<string, unknown>): Promise<{ data: Record<string, unknown>; expires: number } | null>
  updateOne(
    filter: Record<string, unknown>,
    update: Record<string, unknown>,
    options: { upsert: boolean },
  ): Promise<unknown>
  deleteOne(filter: Record<string, unknown>): Promise<unknown>
}

/**
 * Sessions in a weftjs/data collection: SQLite, PostgreSQL or MongoDB, whichever the app uses.
 * @example session({ secret, store: dataSessionStore(db.collection('sessions')) })
 */
export function dataSessionStore(collection: SessionCollection): SessionStore {
  return {
    async get(id) {
      const doc = await collection.findOne({ _id: id })
      if (!doc) return null
      if (doc.expires < Date.now()) {
        await collection.deleteOne({ _id: id })
        return null
      }
      return doc.data
    },
    async set(id, data, ttlMs) {
      await collection.updateOne(
        { _id: id },
        { $set: { data, expires: Date.now() + ttlMs } },
        { upsert: true },
      )
    },
    async destroy(id) {
      await collection.deleteOne({ _id: id })
    },
  }
}
