// The app every runtime serves for the bad-input battery: a few plain routes, a streamed
// response for the reader that never reads, and routes that hand request input to a
// weftjs/data collection the way an app would. Web APIs only: the same file runs on
// Node, Deno and Bun.
import { weft } from 'weftjs'
import { connect } from 'weftjs/data'
import { realtime } from 'weftjs/realtime'
import { servePacedBody } from '../conformance/paced-body.ts'

const app = weft({
  logger: false,
  dev: false,
  limits: { headersTimeout: 2000, requestTimeout: 4000, keepAliveTimeout: 5000 },
})

app.get('/ok', () => 'ok')
// A socket that greets, then stays open until the server drains.
app.ws('/ws', { open: (socket) => socket.send('hello') })
app.get('/keys', (ctx) => ({ count: Object.keys(ctx.query).length }))
app.get('/users/:id', (ctx) => ({ id: ctx.params.id }))
app.get('/files/*', (ctx) => ({ rest: ctx.params['*'] }))
app.post('/parse', async (ctx) => ({ type: typeof (await ctx.parseBody()) }))
// Room for the bodies whose depth or width is the point, not their size.
app.post('/parse-big', { bodyLimit: 4 * 1024 * 1024 }, async (ctx) => {
  const body = await ctx.parseBody()
  return { size: Array.isArray(body) ? body.length : Object.keys(body as object).length }
})
app.post('/upload', async (ctx) => ({ size: (await ctx.bytes()).byteLength }))
app.post('/form', async (ctx) => ({ fields: Object.keys((await ctx.parseBody()) as object).length }))

servePacedBody(app)

// Data: input reaches a collection through the body, the query and the params.
const db = await connect('memory:')
const users = db.collection('users')
await users.insertMany([
  { name: 'ada', password: 'secret', bio: `${'a'.repeat(40)}!`, tag: 'x' },
  { name: 'bob', password: 'hunter2', bio: 'plain', tag: 'y' },
])
app.post('/d/login', async (ctx) => {
  const body = (await ctx.parseBody()) as { name: unknown; password: unknown }
  return { ok: (await users.findOne({ name: body.name, password: body.password })) !== null }
})
app.get('/d/users', async (ctx) => ({ count: await users.countDocuments(ctx.query) }))
app.get('/d/users/:name', async (ctx) => ({
  found: (await users.findOne({ name: ctx.params.name })) !== null,
}))
app.post('/d/tags', async (ctx) => {
  const body = (await ctx.parseBody()) as { tags: unknown }
  return { count: await users.countDocuments({ tag: { $in: body.tags } }) }
})
app.post('/d/bio', async (ctx) => {
  const body = (await ctx.parseBody()) as { pattern: string }
  return { count: await users.countDocuments({ bio: { $regex: body.pattern } }) }
})
// Realtime: a publication whose arguments reach the collection, and channels to join.
const live = realtime({ logger: false })
  .publish('byName', {}, (_conn, args) => users.find({ name: (args as { name: string }).name }))
  .channel('room/:name')
  .channel('storm/:name')
app.ws('/live', live)

// The unguarded entry point: `ctx.req.json()` is parsed by the runtime and not marked, so
// only the collection's own limits stand between it and the store.
app.post('/d/filter', async (ctx) => ({ count: await users.countDocuments(await ctx.req.json()) }))

// Graceful drain: a line on stdout says a request was accepted (its handler ran), so the
// test can check every accepted request got its answer.
app.get('/work', async (ctx) => {
  const id = String(ctx.query.id)
  console.log(JSON.stringify({ event: 'accepted', id }))
  await new Promise((resolve) => setTimeout(resolve, Number(ctx.query.ms ?? 100)))
  return `done ${id}`
})

// Resident memory of this process, for the battery's before/after columns.
app.get('/__rss', () => ({ rss: residentBytes() }))

function residentBytes(): number {
  const g = globalThis as {
    Deno?: { memoryUsage(): { rss: number } }
    process?: { memoryUsage(): { rss: number } }
  }
  return g.Deno ? g.Deno.memoryUsage().rss : (g.process?.memoryUsage().rss ?? 0)
}

export default app
