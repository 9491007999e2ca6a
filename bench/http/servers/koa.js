// Koa 3 with @koa/router and @koa/bodyparser, zod in the handler; the chain is route middleware.
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import Koa from 'koa'
import { z } from 'zod'

const port = Number(process.env.PORT ?? process.argv[2] ?? 3000)
const app = new Koa()
const router = new Router()

const User = z.object({ name: z.string(), age: z.number().int().min(0) })
const noop = async (_ctx, next) => {
  await next()
}

router.get('/', (ctx) => {
  ctx.body = 'Hello World'
})
router.get('/json', (ctx) => {
  ctx.body = { hello: 'world' }
})
router.get('/users/:id', (ctx) => {
  ctx.body = { id: ctx.params.id }
})
router.get('/mw', noop, noop, noop, noop, noop, (ctx) => {
  ctx.body = { hello: 'world' }
})
router.post('/users', bodyParser(), (ctx) => {
  const result = User.safeParse(ctx.request.body)
  if (!result.success) {
    ctx.status = 400
    ctx.body = { error: z.prettifyError(result.error) }
    return
  }
  ctx.status = 201
  ctx.body = result.data
})

app.use(router.routes()).use(router.allowedMethods())
app.listen(port, '127.0.0.1')
