// Hono on @hono/node-server with @hono/zod-validator; the chain is route middleware.
import { serve } from '@hono/node-server'
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'

const port = Number(process.env.PORT ?? process.argv[2] ?? 3000)
const app = new Hono()

const User = z.object({ name: z.string(), age: z.number().int().min(0) })
const noop = async (_c, next) => {
  await next()
}

app.get('/', (c) => c.text('Hello World'))
app.get('/json', (c) => c.json({ hello: 'world' }))
app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }))
app.get('/mw', noop, noop, noop, noop, noop, (c) => c.json({ hello: 'world' }))
app.post('/users', zValidator('json', User), (c) => c.json(c.req.valid('json'), 201))

serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
