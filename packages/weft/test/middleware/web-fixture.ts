// The web-layer app every runtime serves: static files, views and the middleware set,
// over a folder of files the test makes (its path in $WEB_ROOT). Web APIs and weftjs
// subpaths only, so the same file runs on Node, Deno and Bun.
import { serve, weft } from 'weftjs'
import { serveStatic } from 'weftjs/static'

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
const root = env.WEB_ROOT
if (!root) throw new Error('WEB_ROOT is not set')

const app = weft({ logger: false, dev: false })
app.use(serveStatic({ root: `${root}/public`, prefix: '/static' }))
app.use(serveStatic({ root: `${root}/public`, prefix: '/cached', maxAge: 3600, immutable: true }))
app.use(serveStatic({ root: `${root}/public`, prefix: '/linked', followSymlinks: true }))
app.use(serveStatic({ root: `${root}/public`, prefix: '/dots', dotfiles: 'deny', index: false }))
app.get('/static/route', () => 'a route under the static prefix')

const server = await serve(app, { port: Number(env.PORT ?? 0) })
console.log(JSON.stringify({ url: server.url, port: server.port, runtime: server.runtime }))
