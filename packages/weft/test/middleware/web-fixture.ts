// The web-layer app every runtime serves: static files, views and the middleware set,
// over a folder of files the test makes (its path in $WEB_ROOT). Web APIs and weftjs
// subpaths only, so the same file runs on Node, Deno and Bun.
import { serve, weft } from 'weftjs'
import { serveStatic } from 'weftjs/static'
import { diskStorage } from 'weftjs/uploads'
import { createRenderer, handlebars } from 'weftjs/views'
import { mountMiddleware } from './middleware-fixture.ts'

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
const root = env.WEB_ROOT
if (!root) throw new Error('WEB_ROOT is not set')

const app = weft({ logger: false, dev: false, views: { dir: `${root}/views` } })
app.use(serveStatic({ root: `${root}/public`, prefix: '/static' }))
app.use(serveStatic({ root: `${root}/public`, prefix: '/cached', maxAge: 3600, immutable: true }))
app.use(serveStatic({ root: `${root}/public`, prefix: '/linked', followSymlinks: true }))
app.use(serveStatic({ root: `${root}/public`, prefix: '/dots', dotfiles: 'deny', index: false }))
app.get('/static/route', () => 'a route under the static prefix')

// Views: Eta through ctx.render, Handlebars through the adapter shape.
app.get('/views/hello', (ctx) => ctx.render('hello', { name: ctx.query.name }))
app.get('/views/page', (ctx) =>
  ctx.render('hello', { name: 'page', title: '<Tasks>' }, { layout: 'layouts/main', status: 201 }),
)
app.get('/views/list', (ctx) => ctx.render('list', { labels: ['a', '<b>'] }))
app.get('/views/state', (ctx) => {
  ctx.state.who = 'from state'
  return ctx.render('state', { name: 'and data' })
})
app.get('/views/broken', (ctx) => ctx.render('broken', {}))
app.get('/views/escape-attempt', (ctx) => ctx.render('../public/hello.txt', {}))
// Template errors as the log would show them: file and line, on every runtime.
const devViews = createRenderer({ dir: `${root}/views` }, true)
app.get('/views/error-message/:name', (ctx) =>
  devViews.render(ctx.params.name, {}).then(
    () => 'rendered',
    (error: Error) => error.message.split('\n')[0],
  ),
)
const hbs = createRenderer({ dir: `${root}/views/hbs`, engine: handlebars(), layout: 'layout' }, false)
app.get('/views/hbs', async (ctx) =>
  ctx.html(await hbs.render('hello', { name: '<x>', labels: ['one', '<two>'] })),
)

mountMiddleware(app)

// Multipart: files described by size and a checksum of their bytes.
const describe = async (value: unknown): Promise<unknown> => {
  if (Array.isArray(value)) return Promise.all(value.map(describe))
  if (value instanceof File) {
    const bytes = new Uint8Array(await value.arrayBuffer())
    return {
      name: value.name,
      type: value.type,
      size: value.size,
      sum: bytes.reduce((a, b) => (a + b) % 65521, 0),
    }
  }
  return value
}
const limits = { maxFileSize: 256 * 1024, maxFiles: 2 }
app.post('/upload/memory', async (ctx) => {
  const form = (await ctx.parseBody({ multipart: limits })) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(form)) out[key] = await describe(value)
  return out
})
app.post('/upload/disk', (ctx) =>
  ctx.parseBody({ multipart: { ...limits, storage: diskStorage({ dir: `${root}/uploads` }) } }),
)

const server = await serve(app, { port: Number(env.PORT ?? 0) })
console.log(JSON.stringify({ url: server.url, port: server.port, runtime: server.runtime }))
