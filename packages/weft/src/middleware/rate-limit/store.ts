/** Hits of one key in the current window and the one before it: enough for both algorithms. */
export interface WindowCounts {
  current: number
  previous: number
}

/**
 * Where rate-limit counts live: one process (`memoryStore()`), or Redis for many
 * instances (`redisStore()`). `hit` counts one request for `key` in window number
 * `window` (time / windowMs) and returns the counts.
 */
export interface RateLimitStore {
  hit(key: string, window: number, windowMs: number): Promise<WindowCounts>
}

/**
 * Counts in this process's memory: right for one instance. Keys of windows that have
 * passed are swept as new windows begin, so memory follows the active clients.
 */
export function memoryStore(): RateLimitStore {
  const counts = new Map<string, { window: number; current: number; previous: number }>()
  let sweptWindow = -1
  return {
    async hit(key, window) {
      if (window !== sweptWindow) {
        for (const [k, entry] of counts) if (entry.window < window - 1) counts.delete(k)
        sweptWindow = window
      }
      let entry = counts.get(key)
      if (!entry) counts.set(key, (entry = { window, current: 0, previous: 0 }))
      else if (entry.window !== window) {
        entry.previous = entry.window === window - 1 ? entry.current : 0
        entry.current = 0
        entry.window = window
      }
      entry.current++
      return { current: entry.current, previous: entry.previous }
    },
  }
}
