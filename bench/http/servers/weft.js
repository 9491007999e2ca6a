// Weft as its README writes it: zod body schema in the route options, route-scoped middleware.
import { serve, weft } from 'weftjs'
import { z } from 'zod'

const port = Number(process.env.PORT ?? process.argv[2] ?? 3000)
const app = weft()

const User = z.object({ name: z.string(), age: z.number().int().min(0) })
const noop = async (_ctx, next) => {
  await next()
}

app.get('/', () => 'Hello World')
app.get('/json', () => ({ hello: 'world' }))
app.get('/users/:id', (ctx) => ({ id: ctx.params.id }))
app.get('/mw', noop, noop, noop, noop, noop, () => ({ hello: 'world' }))
app.post('/users', { body: User }, (ctx) => ctx.json(ctx.body, 201))

await serve(app, { port, hostname: '127.0.0.1' })
