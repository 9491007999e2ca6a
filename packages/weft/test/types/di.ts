// Type tests for weftjs/di, checked by `tsc --noEmit`: each @ts-expect-error fails the
// check if inference regresses to `any` or a wrong type.
import { weft } from 'weftjs'
import { client, type ResponseOf } from 'weftjs/client'
import { inject, module, token } from 'weftjs/di'
import { z } from 'zod'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

class UserService {
  find(id: string) {
    return { id, name: 'Ada' }
  }
}
const API_KEY = token<string>('API_KEY')

const app = weft({ modules: [module({ providers: [UserService, { provide: API_KEY, useValue: 'k' }] })] })

// app.get(Class) is the instance, app.get(token) the token's type.
const service: UserService = app.get(UserService)
const key: string = app.get(API_KEY)
// @ts-expect-error the token is a string, not a number
const wrongKey: number = app.get(API_KEY)
// @ts-expect-error UserService has no `remove`
app.get(UserService).remove()

// app.get(path, handler) is still the GET route, with params typed from the path.
app.get('/users/:id', (ctx) => {
  const id: string = ctx.params.id
  // @ts-expect-error no such param
  ctx.params.nope
  // ctx.get(X) is typed like app.get(X).
  const users: UserService = ctx.get(UserService)
  const apiKey: string = ctx.get(API_KEY)
  // @ts-expect-error a string is not a number
  const wrong: number = ctx.get(API_KEY)
  return users.find(id).name + apiKey + wrong + ctx.get(UserService).find(id).name
})

// inject() is typed by its key; optional adds undefined.
class Consumer {
  users: UserService = inject(UserService)
  key: string = inject(API_KEY)
  maybe: string | undefined = inject(API_KEY, { optional: true })
  // @ts-expect-error an optional dependency may be undefined
  notMaybe: string = inject(API_KEY, { optional: true })
}

// A class with constructor parameters cannot be a provider: dependencies come from inject().
class NeedsArgs {
  constructor(readonly users: UserService) {}
}
// @ts-expect-error constructor parameters are not injected; use inject() in the class
module({ providers: [NeedsArgs] })

// Module routes are typed like app routes.
module({
  routes: (r) =>
    r.get('/orders/:orderId', (ctx) => {
      const orderId: string = ctx.params.orderId
      // @ts-expect-error no such param
      ctx.params.id
      return orderId
    }),
})

// Routes a module returns from `routes` join the app's type under the module's prefix, so
// the typed client sees them like chained routes.
const orders = module({
  prefix: '/orders',
  providers: [UserService],
  routes: (r) =>
    r
      .get('/:orderId', (ctx) => ({ id: ctx.params.orderId }))
      .post('/', { body: z.object({ qty: z.number() }) }, (ctx) => ctx.json({ qty: ctx.body.qty }, 201)),
})
const health = module({ routes: (r) => r.get('/health', () => 'ok') })
const providersOnly = module({ providers: [{ provide: API_KEY, useValue: 'k' }] })
const shop = weft({ modules: [providersOnly, orders, health] }).get('/direct', () => ({ direct: true }))

type OrderById = Expect<Equal<ResponseOf<typeof shop, 'GET', '/orders/:orderId'>, { 200: { id: string } }>>
type NewOrder = Expect<Equal<ResponseOf<typeof shop, 'POST', '/orders'>, { 201: { qty: number } }>>
type Health = Expect<Equal<ResponseOf<typeof shop, 'GET', '/health'>, { 200: string }>>
type Direct = Expect<Equal<ResponseOf<typeof shop, 'GET', '/direct'>, { 200: { direct: boolean } }>>

async function moduleClient() {
  const api = client<typeof shop>('http://127.0.0.1:3000')
  const order = await api.get('/orders/:orderId', { params: { orderId: '7' } })
  type Order = Expect<Equal<typeof order, { id: string }>>
  const created = await api.post('/orders', { body: { qty: 2 } })
  type Created = Expect<Equal<typeof created, { qty: number }>>
  // @ts-expect-error the module's prefix is part of the path
  await api.get('/:orderId', { params: { orderId: '7' } })
  // @ts-expect-error the body must match the module route's schema
  await api.post('/orders', { body: { qty: 'two' } })
  // @ts-expect-error a module's param names are checked too
  await api.get('/orders/:orderId', { params: { id: '7' } })
}

// An app whose modules declare no routes types no routes, as before.
const bare = weft({ modules: [providersOnly] })
type NoRoutes = Expect<Equal<ResponseOf<typeof bare, 'GET', '/health'>, never>>

export { Consumer, key, moduleClient, service, wrongKey }
