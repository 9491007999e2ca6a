// Type tests for weftjs/di, checked by `tsc --noEmit`: each @ts-expect-error fails the
// check if inference regresses to `any` or a wrong type.
import { weft } from 'weftjs'
import { inject, module, token } from 'weftjs/di'

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

export { Consumer, key, service, wrongKey }
