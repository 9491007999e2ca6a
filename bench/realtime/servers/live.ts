// A live-query server as an app writes it: one publication, `tasks` of a board (sorted,
// limit 50), on the database DATABASE_URL names. Several of these on one PostgreSQL are
// instances of one app (each sees the others' writes through LISTEN/NOTIFY).
// Control routes for live-sockets.js:
//   POST /seed?boards=&docs=   empties `tasks` and puts `docs` documents on each board
//   POST /writes?count=&rate=&boards=&from=  inserts `count` tasks, open loop at `rate`/s;
//     answers [{ id, board, returned }], `returned` on the wall clock in ms (fractional)
//   GET /usage?gc=1            CPU time (µs) so far, RSS and heap (after a collection with gc=1)
import { setTimeout as sleep } from 'node:timers/promises'
import { serve, weft } from 'weftjs'
import { connect } from 'weftjs/data'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'

interface Task {
  _id: string
  board: string
  at: number
  title: string
}

const db = await connect(process.env.DATABASE_URL ?? 'memory:')
const tasks = db.collection<Task>('tasks')

const live = realtime({
  logger: false,
  // The load comes from one address and one process holds thousands of subscriptions.
  limits: { connectionsPerIp: 100_000, subscriptions: 10_000 },
  authenticate: (_ctx, token) => (token ? { id: token } : null),
}).publish('tasks', { args: z.object({ board: z.string() }) }, (_conn, { board }) =>
  tasks.find({ board }, { sort: { at: -1 }, limit: 50 }),
)

const wallClock = () => performance.timeOrigin + performance.now()
const number = (value: unknown, fallback = 0) => (value === undefined ? fallback : Number(value))

const app = weft({ logger: false })
app.ws('/live', live)
app.post('/seed', async (ctx) => {
  const boards = number(ctx.query.boards)
  const docs = number(ctx.query.docs)
  await tasks.deleteMany({})
  await tasks.createIndex({ board: 1, at: -1 })
  const all = Array.from({ length: boards * docs }, (_, i) => ({
    _id: `seed${i}`,
    board: `b${i % boards}`,
    at: i,
    title: `Task number ${i}`,
  }))
  for (let i = 0; i < all.length; i += 5000) await tasks.insertMany(all.slice(i, i + 5000))
  return { seeded: all.length }
})
app.post('/writes', async (ctx) => {
  const count = number(ctx.query.count)
  const rate = number(ctx.query.rate, 100)
  const boards = Math.max(1, number(ctx.query.boards, 1))
  const from = number(ctx.query.from)
  const pending = []
  const start = performance.now()
  for (let n = 0; n < count; n++) {
    // Open loop: each write at its own time, whether or not earlier ones were delivered.
    const wait = start + (n * 1000) / rate - performance.now()
    if (wait > 0) await sleep(wait)
    const board = `b${n % boards}`
    const id = `w${from + n}`
    pending.push(
      tasks
        .insertOne({ _id: id, board, at: 1e9 + from + n, title: `Write ${from + n}` })
        .then(() => ({ id, board, returned: wallClock() })),
    )
  }
  return Promise.all(pending)
})
app.get('/usage', (ctx) => {
  // Collect only when asked: a collection inside a CPU window would be counted as work.
  if (ctx.query.gc) (globalThis as { gc?: () => void }).gc?.()
  const cpu = process.cpuUsage()
  const { rss, heapUsed } = process.memoryUsage()
  return { cpu: cpu.user + cpu.system, rss, heapUsed }
})

await live.ready()
const server = await serve(app, { port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' })
console.log(JSON.stringify({ port: server.port }))
