import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { serve, weft } from 'weftjs'
import { inject, module, token } from 'weftjs/di'

describe('routes in modules', () => {
  test('a module prefixes its routes and wraps them, and only them, in its middleware', async () => {
    const seen: string[] = []
    const users = module({
      name: 'users',
      prefix: '/users',
      middleware: [
        async (ctx, next) => {
          seen.push(`users mw ${ctx.path}`)
          await next()
          ctx.header('x-module', 'users')
        },
      ],
      routes: (r) => {
        r.get('/', () => ['ada'])
        r.get('/:id', (ctx) => ({ id: ctx.params.id }))
      },
    })
    const health = module({ name: 'health', routes: (r) => r.get('/health', () => 'ok') })
    const app = weft({ logger: false, modules: [users, health] })
    const server = await serve(app, { port: 0 })
    try {
      const list = await fetch(`${server.url}/users`)
      assert.deepEqual(await list.json(), ['ada'])
      assert.equal(list.headers.get('x-module'), 'users')
      const one = await fetch(`${server.url}/users/7`)
      assert.deepEqual(await one.json(), { id: '7' })
      const ok = await fetch(`${server.url}/health`)
      assert.equal(await ok.text(), 'ok')
      assert.equal(ok.headers.get('x-module'), null)
      assert.deepEqual(seen, ['users mw /users', 'users mw /users/7'])
    } finally {
      await server.close()
    }
  })

  test("ctx.get() in a module's routes sees that module, not its neighbours' internals", async () => {
    const SECRET = token<string>('SECRET')
    const vault = module({ name: 'vault', providers: [{ provide: SECRET, useValue: 'hidden' }] })
    const own = module({
      name: 'vault-routes',
      prefix: '/vault',
      providers: [{ provide: SECRET, useValue: 'mine' }],
      routes: (r) => r.get('/', (ctx) => ctx.get(SECRET)),
    })
    const other = module({
      name: 'other',
      prefix: '/other',
      routes: (r) => r.get('/', (ctx) => ctx.get(SECRET)),
    })
    const app = weft({ logger: false, dev: true, modules: [vault, own, other] })
    assert.equal(await (await app.request('/vault')).text(), 'mine')
    const refused = await app.request('/other')
    assert.equal(refused.status, 500)
    assert.match(
      (await refused.json()).detail,
      /WEFT_DI_NOT_VISIBLE: a route of module "other" asked for "SECRET", which module "vault", "vault-routes" provides/,
    )
  })

  test('app-level middleware and routes live beside module routes', async () => {
    class Greeter {
      greet = (name: string) => `hello ${name}`
    }
    class Loud {
      greeter = inject(Greeter)
      shout = (name: string) => this.greeter.greet(name).toUpperCase()
    }
    const greetings = module({
      name: 'greetings',
      prefix: '/greet',
      providers: [Greeter, Loud],
      exports: [Greeter],
      routes: (r) => r.get('/:name', (ctx) => ctx.get(Loud).shout(ctx.params.name)),
    })
    const app = weft({ logger: false, modules: [greetings] })
    app.use(async (ctx, next) => {
      await next()
      ctx.header('x-app', '1')
    })
    app.get('/plain/:name', (ctx) => ctx.get(Greeter).greet(ctx.params.name))
    const loud = await app.request('/greet/ada')
    assert.equal(await loud.text(), 'HELLO ADA')
    assert.equal(loud.headers.get('x-app'), '1')
    assert.equal(await (await app.request('/plain/ada')).text(), 'hello ada')
    assert.deepEqual(
      app.routeList().map((r) => r.path),
      ['/plain/:name', '/greet/:name'],
    )
  })

  test('routes of an imported module are mounted once, at its own prefix', async () => {
    const shared = module({ name: 'shared', prefix: '/shared', routes: (r) => r.get('/', () => 'shared') })
    const a = module({ name: 'a', imports: [shared] })
    const b = module({ name: 'b', imports: [shared] })
    const app = weft({ logger: false, modules: [a, b] })
    assert.deepEqual(
      app.routeList().map((r) => r.path),
      ['/shared'],
    )
    assert.equal(await (await app.request('/shared')).text(), 'shared')
  })

  test('routeList() names the module that declared each route, its nested sub-apps included; app routes have none', () => {
    const admin = weft().get('/audit', () => 'audit')
    const users = module({
      name: 'users',
      prefix: '/users',
      routes: (r) => r.get('/', () => []).route('/admin', admin),
    })
    const app = weft({ logger: false, modules: [users] })
    app.get('/', () => 'home')
    app.route(
      '/plain',
      weft().get('/x', () => 'x'),
    )
    assert.deepEqual(
      app.routeList().map((r) => `${r.path} ${r.module ?? '-'}`),
      ['/ -', '/users users', '/users/admin/audit users', '/plain/x -'],
    )
  })

  test("app middleware after await next() resolves from the app's view, not the module's that ran", async () => {
    const Greeting = token<string>('Greeting')
    // The app's module and the one it imports each provide their own Greeting.
    const inner = module({
      name: 'inner',
      prefix: '/inner',
      providers: [{ provide: Greeting, useValue: 'from the module' }],
      routes: (r) => r.get('/', (ctx) => ctx.get(Greeting)),
    })
    const root = module({
      name: 'root',
      imports: [inner],
      providers: [{ provide: Greeting, useValue: 'from the app' }],
    })
    const app = weft({ logger: false, modules: [root] })
    app.use(async (ctx, next) => {
      ctx.header('x-before', ctx.get(Greeting))
      await next()
      ctx.header('x-after', ctx.get(Greeting))
    })
    const server = await serve(app, { port: 0 })
    try {
      const res = await fetch(`${server.url}/inner`)
      assert.equal(await res.text(), 'from the module')
      assert.equal(res.headers.get('x-before'), 'from the app')
      assert.equal(res.headers.get('x-after'), 'from the app')
    } finally {
      await server.close()
    }
  })
})
