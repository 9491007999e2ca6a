// Express 5: express.json() for the body, zod in the handler; middleware are plain next() calls,
// which is Express's own form of a middleware chain.
import express from 'express'
import { z } from 'zod'

const port = Number(process.env.PORT ?? process.argv[2] ?? 3000)
const app = express()

const User = z.object({ name: z.string(), age: z.number().int().min(0) })
const noop = (_req, _res, next) => next()

app.get('/', (_req, res) => {
  res.type('text/plain').send('Hello World')
})
app.get('/json', (_req, res) => {
  res.json({ hello: 'world' })
})
app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id })
})
app.get('/mw', noop, noop, noop, noop, noop, (_req, res) => {
  res.json({ hello: 'world' })
})
app.post('/users', express.json(), (req, res) => {
  const result = User.safeParse(req.body)
  if (!result.success) return res.status(400).json({ error: z.prettifyError(result.error) })
  res.status(201).json(result.data)
})

app.listen(port, '127.0.0.1')
