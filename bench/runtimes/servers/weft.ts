// Weft as its README writes it; serve() picks Deno.serve or Bun.serve by itself.
import { serve, weft } from 'weftjs'

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
const app = weft()
app.get('/', () => 'Hello World')
app.get('/json', () => ({ hello: 'world' }))
app.get('/users/:id', (ctx) => ({ id: ctx.params.id }))

await serve(app, { port: Number(env.PORT ?? 3000), hostname: '127.0.0.1' })
