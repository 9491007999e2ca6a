import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { type Context, weft } from 'weftjs'
import { controller, del, get, inject, injectable, module, post } from 'weftjs/di'
import { z } from 'zod'

class UserStore {
  users = new Map([['1', 'Ada']])
}

@controller('/users')
class UserController {
  store = inject(UserStore)

  @get('/')
  list() {
    return [...this.store.users.values()]
  }

  @get('/:id')
  show(ctx: Context) {
    return { name: this.store.users.get(ctx.params.id) }
  }

  @post('/', { body: z.object({ name: z.string() }) })
  create(ctx: Context<{ body: { name: string }; params: {}; query: {}; headers: {} }>) {
    const id = String(this.store.users.size + 1)
    this.store.users.set(id, ctx.body.name)
    return ctx.json({ id }, 201)
  }

  @del('/:id')
  remove(ctx: Context) {
    this.store.users.delete(ctx.params.id)
  }
}

describe('controllers with standard decorators', () => {
  test('the root tsconfig uses TC39 decorators: no experimentalDecorators, no metadata', () => {
    for (const file of ['../../../../tsconfig.json', '../../../../tsconfig.base.json']) {
      const text = readFileSync(new URL(file, import.meta.url), 'utf8')
      assert.doesNotMatch(text, /experimentalDecorators|emitDecoratorMetadata/)
    }
  })

  test('decorated methods become routes under the controller and module prefixes', async () => {
    const app = weft({
      logger: false,
      modules: [
        module({ name: 'users', prefix: '/api', providers: [UserStore], controllers: [UserController] }),
      ],
    })
    assert.deepEqual(await (await app.request('/api/users')).json(), ['Ada'])
    assert.deepEqual(await (await app.request('/api/users/1')).json(), { name: 'Ada' })
    const created = await app.request('/api/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Grace' }),
    })
    assert.equal(created.status, 201)
    assert.deepEqual(await created.json(), { id: '2' })
    const invalid = await app.request('/api/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 7 }),
    })
    assert.equal(invalid.status, 422)
    assert.equal((await app.request('/api/users/2', { method: 'DELETE' })).status, 204)
    assert.deepEqual(
      app.routeList().map((r) => `${r.method} ${r.path}`),
      ['GET /api/users', 'GET /api/users/:id', 'POST /api/users', 'DELETE /api/users/:id'],
    )
  })

  test('a controller is a singleton unless it says otherwise: a request-scoped one is new per request', async () => {
    let made = 0
    @controller('/count', { scope: 'request' })
    class Counter {
      readonly n = ++made
      @get()
      show() {
        return { n: this.n }
      }
    }
    const app = weft({ logger: false, modules: [module({ controllers: [Counter] })] })
    assert.deepEqual(await (await app.request('/count')).json(), { n: 1 })
    assert.deepEqual(await (await app.request('/count')).json(), { n: 2 })
  })

  test('@injectable({ scope }) sets the scope of a plain provider class', async () => {
    @injectable({ scope: 'transient' })
    class Stamp {
      value = Symbol('stamp')
    }
    const app = weft({ logger: false, modules: [module({ providers: [Stamp] })] })
    await app.ready()
    assert.notEqual(app.get(Stamp), app.get(Stamp))
  })

  test('a class without @controller in controllers is refused, with the alternative', () => {
    class Plain {}
    assert.throws(
      () => weft({ modules: [module({ name: 'm', controllers: [Plain] })] }),
      /WEFT_DI_BAD_CONTROLLER: Plain is in the controllers of module "m" but has no @controller\(\) decorator/,
    )
  })

  test('everything works without decorators: routes in the module, services from ctx.get()', async () => {
    const app = weft({
      logger: false,
      modules: [
        module({
          prefix: '/users',
          providers: [UserStore],
          routes: (r) => r.get('/:id', (ctx) => ({ name: ctx.get(UserStore).users.get(ctx.params.id) })),
        }),
      ],
    })
    assert.deepEqual(await (await app.request('/users/1')).json(), { name: 'Ada' })
  })
})
