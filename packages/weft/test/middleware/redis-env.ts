// The shared Redis for store tests: REDIS_URL, else the local server. Each test file uses
// its own key prefix and deletes only its own keys: other suites share this server.
// No server: under CI=true that is a failure; elsewhere the tests skip, loudly.
import { createClient } from 'redis'

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

const makeClient = () => createClient({ url, socket: { connectTimeout: 3000, reconnectStrategy: false } })
export type RedisClient = ReturnType<typeof makeClient>

export interface RedisEnv {
  client: RedisClient
  prefix: string
  close(): Promise<void>
}

export async function redisEnv(label: string): Promise<RedisEnv | string> {
  const client = makeClient()
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    const reason = `Redis at ${url} is not reachable (${String(error)})`
    if (process.env.CI === 'true')
      throw new Error(`${reason}; CI=true requires it. Start Redis or set REDIS_URL.`)
    console.error(`\n*** SKIPPING Redis tests: ${reason}. Set REDIS_URL to run them. ***\n`)
    return reason
  }
  const prefix = `weft-test:${label}:${process.pid}:${Date.now().toString(36)}:`
  return {
    client,
    prefix,
    async close() {
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) {
        if (keys.length) await client.del(keys)
      }
      await client.quit()
    },
  }
}
