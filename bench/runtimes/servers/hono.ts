// Hono on the runtime's own server, as Hono's docs for Deno and Bun write it.
import { Hono } from 'hono'

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
const port = Number(env.PORT ?? 3000)
const app = new Hono()
app.get('/', (c) => c.text('Hello World'))
app.get('/json', (c) => c.json({ hello: 'world' }))
app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }))

const runtime = globalThis as unknown as {
  Bun?: { serve(options: object): unknown }
  Deno?: { serve(options: object, handler: (request: Request) => Response | Promise<Response>): unknown }
}
if (runtime.Bun) runtime.Bun.serve({ port, hostname: '127.0.0.1', fetch: app.fetch })
else runtime.Deno!.serve({ port, hostname: '127.0.0.1', onListen() {} }, app.fetch)
