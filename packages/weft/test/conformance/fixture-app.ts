// The one app every runtime serves for the conformance suite. Web APIs only: the same
// file runs on Node, Deno and Bun. `export default app` is also what `deno serve` and
// Bun's default-export server take.
import { HttpError, weft } from 'weftjs'
import { z } from 'zod'
import { servePacedBody } from './paced-body.ts'

// headerCount is set below the default on purpose: a limit the app sets is enforced by
// Weft on every runtime, where the default leaves Deno and Bun to their own bounds.
const app = weft({
  logger: false,
  dev: false,
  limits: { headersTimeout: 2000, requestTimeout: 3000, headerCount: 60 },
})

// Middleware order: recorded on the way in and out, reported in a response header.
app.use(async (ctx, next) => {
  const order: string[] = []
  ctx.state.order = order
  order.push('a in')
  await next()
  order.push('a out')
  ctx.header('x-powered-by', 'weft')
  ctx.header('x-order', order.join(','))
})
app.use(async (ctx, next) => {
  ;(ctx.state.order as string[]).push('b in')
  await next()
  ;(ctx.state.order as string[]).push('b out')
})
app.use('/admin', async (ctx, next) => {
  await next()
  ctx.header('x-admin', '1')
})

// Routing
app.get('/', () => 'root')
app.get('/users/new', () => 'new-form')
app.get('/users/:id', (ctx) => ({ id: ctx.params.id }))
app.delete('/users/:id', (ctx) => ({ deleted: ctx.params.id }))
app.get('/users/:userId/posts/:postId', (ctx) => ctx.params)
app.get('/files/*', (ctx) => ({ rest: ctx.params['*'] }))
app.get('/assets/*path', (ctx) => ({ path: ctx.params.path }))
app.post('/items', () => 'created')
app.all('/any', (ctx) => ctx.method)
app.on(['PUT', 'PATCH'], '/both', (ctx) => ctx.method)
app.get('/admin/panel', () => 'panel')
app.get('/administrator', () => 'not admin')

const api = weft({ logger: false, dev: false })
api.use(async (ctx, next) => {
  await next()
  ctx.header('x-api', 'yes')
})
api.get('/users/:id', (ctx) => ({ api: ctx.params.id }))
app.route('/api', api)

// Middleware
app.get('/mw/order', (ctx) => {
  ;(ctx.state.order as string[]).push('handler')
  return 'ok'
})
app.get(
  '/mw/private',
  (ctx, next) => (ctx.headerValue('authorization') ? next() : ctx.json({ error: 'login' }, 401)),
  () => 'secret',
)
app.get(
  '/mw/state',
  async (ctx, next) => {
    ctx.state.user = 'ann'
    await next()
  },
  (ctx) => String(ctx.state.user),
)

// Responses
app.get('/object', () => ({ a: 1, list: [1, 2] }))
app.get('/array', () => [1, 'two'])
app.get('/string', () => 'plain')
app.get('/unicode', () => 'héllo wörld ✓')
app.get('/bytes', () => new Uint8Array([1, 2, 3]))
app.get('/stream', () => new Blob(['chunk one, ', 'chunk two']).stream())
app.get('/response', () => new Response('as is', { status: 202, headers: { 'x-own': '1' } }))
app.get('/response-merged', (ctx) => {
  ctx.header('x-from-ctx', 'yes')
  ctx.cookies.set('merged', '1')
  return new Response('merged', { headers: { 'set-cookie': 'own=1' } })
})
app.get('/nothing', () => undefined)
app.get('/async', async () => ({ later: true }))
app.get('/created', (ctx) => ctx.json({ ok: true }, 201))
app.get('/html', (ctx) => ctx.html('<h1>hi</h1>'))
app.get('/text', (ctx) => ctx.text('t', 418))
app.get('/status-only', (ctx) => {
  ctx.status(202)
})
app.get('/redirect', (ctx) => ctx.redirect('/object', 301))
app.get('/header', (ctx) => {
  ctx.header('x-one', 'a').header('x-list', 'b', { append: true }).header('x-list', 'c', { append: true })
  return 'h'
})
app.get('/query', (ctx) => ctx.query)
app.get('/request', (ctx) => ({
  path: new URL(ctx.req.url).pathname,
  method: ctx.req.method,
  ua: ctx.req.headers.get('x-ua'),
}))

// Streaming: each chunk after the first waits until the client, having read the one before,
// asks for it (POST /ticks/next); and a producer that must respect backpressure.
let ticksAsked = 0
let wakeTicks: (() => void) | null = null
app.get('/ticks', () => {
  let n = 0
  ticksAsked = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (ticksAsked < n) await new Promise<void>((resolve) => (wakeTicks = resolve))
      if (n === 3) return controller.close()
      controller.enqueue(new TextEncoder().encode(`tick ${n++}\n`))
    },
  })
})
app.post('/ticks/next', () => {
  ticksAsked++
  wakeTicks?.()
  return 'asked'
})
servePacedBody(app)

// Bodies
app.post('/parse', async (ctx) => ({ body: await ctx.parseBody() }))
app.post('/bytes', async (ctx) => ({ length: (await ctx.bytes()).byteLength }))
app.post('/json-only', async (ctx) => ({ body: await ctx.parseBody(['json']) }))
app.post('/twice', async (ctx) => {
  await ctx.parseBody()
  return { again: await ctx.req.text() }
})
app.post('/ignore', () => 'not read')
app.post('/upload', async (ctx) => ({ size: (await ctx.bytes()).byteLength }))
app.post('/small', { bodyLimit: 10 }, async (ctx) => ({ size: (await ctx.bytes()).byteLength }))
app.post('/req-stream', { bodyLimit: 1000 }, async (ctx) => (await ctx.req.arrayBuffer()).byteLength)

// Validation (zod 4, through Standard Schema)
const User = z.object({ name: z.string().min(1), age: z.number().int().min(0) })
app.post('/v/users', { body: User }, (ctx) => ctx.json({ created: ctx.body.name, age: ctx.body.age }, 201))
app.get('/v/users/:id', { params: z.object({ id: z.coerce.number().int() }) }, (ctx) => ({
  id: ctx.params.id + 1,
}))
app.get(
  '/v/search',
  { query: z.object({ q: z.string(), limit: z.coerce.number().max(50).default(10) }) },
  (ctx) => ctx.query,
)
app.get('/v/secure', { headers: z.object({ 'x-api-key': z.string().length(4) }) }, (ctx) => ({
  key: ctx.headers['x-api-key'],
}))

// Errors
app.get('/e/conflict', () => {
  throw new HttpError(409, 'That name is taken', { code: 'NAME_TAKEN', name: 'ada' })
})
app.get('/e/crash', () => {
  throw new Error('database password is hunter2')
})
app.get('/e/async-crash', async () => {
  await sleep(1)
  throw new TypeError('async hunter2')
})
app.get('/e/unavailable', () => {
  throw new HttpError(503, 'Down for maintenance', {}, { headers: { 'retry-after': '120' } })
})

// Hostile input
app.post('/merge', async (ctx) => {
  const merged = Object.assign({}, await ctx.parseBody())
  return { polluted: ({} as Record<string, unknown>).polluted ?? null, keys: Object.keys(merged) }
})
app.post('/form-keys', async (ctx) => {
  const form = (await ctx.parseBody()) as Record<string, unknown>
  return { keys: Object.keys(form), nullPrototype: Object.getPrototypeOf(form) === null, form }
})
app.get('/echo', (ctx) => {
  ctx.header('x-echo', String(ctx.query.v))
  return 'echoed'
})
app.get('/go', (ctx) => ctx.redirect(String(ctx.query.to)))
app.get('/keys', (ctx) => ({
  keys: Object.keys(ctx.query),
  polluted: ({} as Record<string, unknown>).polluted ?? null,
}))
app.get('/ok', () => 'ok')

// Security: header values, 5xx messages, cookie attributes, forms only where asked
app.get('/s/header', (ctx) => {
  ctx.cookies.set('kept', '1')
  ctx.header('x-v', String(ctx.query.v))
  return 'sent'
})
app.get('/s/secret', () => {
  throw new HttpError(500, 'db at 10.0.0.7 refused the password')
})
app.get('/s/exposed', () => {
  throw new HttpError(503, 'Back at noon', { code: 'MAINTENANCE' }, { expose: true })
})
app.get('/s/cookie/:kind', (ctx) => {
  const kind = ctx.params.kind
  if (kind === 'none') ctx.cookies.set('tracker', '1', { sameSite: 'None' })
  else if (kind === 'none-secure') ctx.cookies.set('tracker', '1', { sameSite: 'None', secure: true })
  else if (kind === 'host') ctx.cookies.set('__Host-id', '1', { secure: true, path: '/app' })
  else if (kind === 'secure-prefix') ctx.cookies.set('__Secure-id', '1')
  else if (kind === 'path') ctx.cookies.set('id', '1', { path: 'no-slash' })
  else if (kind === 'domain') ctx.cookies.set('id', '1', { domain: 'exa mple.com' })
  return 'set'
})
const Note = z.object({ title: z.string() })
app.post('/s/notes', { body: Note }, (ctx) => ctx.json({ title: ctx.body.title }, 201))
app.post('/s/notes-form', { body: Note, accepts: ['json', 'form'] }, (ctx) =>
  ctx.json({ title: ctx.body.title }, 201),
)

// Cookies
app.get('/c/read', (ctx) => ({ theme: ctx.cookies.get('theme') ?? null, all: ctx.cookies.all() }))
app.get('/c/login', (ctx) => {
  ctx.cookies.set('session', 'a b;c')
  ctx.cookies.set('prefs', 'dark', { httpOnly: false, maxAge: 3600, sameSite: 'Strict' })
  return 'ok'
})
app.get('/c/logout', (ctx) => {
  ctx.cookies.delete('session')
  return 'bye'
})
app.get('/c/bad', (ctx) => {
  ctx.cookies.set('bad name', 'x')
})

// Shutdown: a request that is still running when the server is told to stop. The line
// on stdout tells the test the handler has started.
app.get('/slow', async (ctx) => {
  console.log(JSON.stringify({ event: 'slow-started' }))
  await sleep(Number(ctx.query.ms ?? 500))
  return 'finished'
})

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export default app
