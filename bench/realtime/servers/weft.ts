// Weft realtime as an app writes it: authenticated connections, one channel pattern with
// presence off and a schema for client messages. Runs on Node (tsx) or Bun.
// BROKER_URL (redis://...) makes it one of several instances. Control routes for the bench:
// POST /broadcast?stamp= and GET /memory.
import { serve, weft } from 'weftjs'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
const live = realtime({
  logger: false,
  broker: env.BROKER_URL || undefined,
  limits: { connectionsPerIp: 100_000, channels: 10 },
  authenticate: (_ctx, token) => (token ? { id: token } : null),
}).channel('room/:id', { message: z.object({ s: z.number(), n: z.number() }) })

const app = weft({ logger: false })
app.ws('/live', live)
app.post('/broadcast', async (ctx) => {
  await live.broadcast('room/bench', { stamp: ctx.query.stamp })
  return undefined
})
app.get('/memory', () => memory())
app.get('/cpu', () => {
  const usage = (
    globalThis as { process?: { cpuUsage(): { user: number; system: number } } }
  ).process?.cpuUsage()
  return { cpu: usage ? usage.user + usage.system : 0 }
})

function memory() {
  ;(globalThis as { gc?: () => void }).gc?.()
  const usage = (
    globalThis as { process?: { memoryUsage(): { rss: number; heapUsed: number } } }
  ).process?.memoryUsage()
  return { rss: usage?.rss ?? 0, heapUsed: usage?.heapUsed ?? 0 }
}

await live.ready()
const server = await serve(app, { port: Number(env.PORT ?? 3000), hostname: '127.0.0.1' })
console.log(JSON.stringify({ port: server.port }))
