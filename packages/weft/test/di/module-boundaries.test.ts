import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'
import { inject, module, token } from 'weftjs/di'

class UserRepo {}
class UserService {
  repo = inject(UserRepo)
}

const users = module({ name: 'users', providers: [UserRepo, UserService], exports: [UserService] })

describe('module boundaries', () => {
  test("a module sees its imports' exports", async () => {
    class Orders {
      users = inject(UserService)
    }
    const orders = module({ name: 'orders', imports: [users], providers: [Orders], exports: [Orders] })
    const app = weft({ logger: false, modules: [orders] })
    await app.ready()
    assert.ok(app.get(Orders).users.repo instanceof UserRepo)
  })

  test('a provider an import keeps to itself is refused, naming the module and the provider', async () => {
    class Orders {
      repo = inject(UserRepo)
    }
    const orders = module({ name: 'orders', imports: [users], providers: [Orders] })
    const app = weft({ logger: false, modules: [orders] })
    await assert.rejects(
      app.ready(),
      /WEFT_DI_NOT_VISIBLE: "Orders" in module "orders" asked for "UserRepo", which module "users" provides but module "orders" cannot see\. Add "UserRepo" to the exports of "users"/,
    )
  })

  test('a module that does not import another cannot see even its exports', async () => {
    class Billing {
      users = inject(UserService)
    }
    const billing = module({ name: 'billing', providers: [Billing] })
    const app = weft({ logger: false, modules: [users, billing] })
    await assert.rejects(
      app.ready(),
      /WEFT_DI_NOT_VISIBLE: "Billing" in module "billing" asked for "UserService"/,
    )
  })

  test("a global module's exports are seen everywhere without importing it", async () => {
    const CONFIG = token<{ region: string }>('CONFIG')
    class Billing {
      config = inject(CONFIG)
    }
    const config = module({
      name: 'config',
      global: true,
      providers: [{ provide: CONFIG, useValue: { region: 'eu' } }],
      exports: [CONFIG],
    })
    const billing = module({ name: 'billing', providers: [Billing], exports: [Billing] })
    const app = weft({ logger: false, modules: [config, billing] })
    await app.ready()
    assert.equal(app.get(Billing).config.region, 'eu')
  })

  test('re-exporting an imported module passes its exports on', async () => {
    const shared = module({ name: 'shared', imports: [users], exports: [users] })
    class Orders {
      users = inject(UserService)
    }
    const orders = module({ name: 'orders', imports: [shared], providers: [Orders], exports: [Orders] })
    const app = weft({ logger: false, modules: [orders] })
    await app.ready()
    assert.ok(app.get(Orders).users instanceof UserService)
  })

  test('exporting what a module neither provides nor imports is refused when the app is made', () => {
    class Stray {}
    assert.throws(
      () => weft({ modules: [module({ name: 'broken', exports: [Stray] })] }),
      /WEFT_DI_BAD_EXPORT: Module "broken" exports "Stray" but neither provides it nor imports a module that exports it/,
    )
  })

  test("the app sees its modules' own providers and exports, not what those modules import", async () => {
    const orders = module({ name: 'orders', imports: [users], providers: [] })
    const app = weft({ logger: false, modules: [orders] })
    await app.ready()
    assert.throws(() => app.get(UserService), /WEFT_DI_NOT_VISIBLE: the app asked for "UserService"/)
  })

  test('the same module imported twice is one module: its singletons exist once', async () => {
    class A {
      users = inject(UserService)
    }
    class B {
      users = inject(UserService)
    }
    const a = module({ name: 'a', imports: [users], providers: [A], exports: [A] })
    const b = module({ name: 'b', imports: [users], providers: [B], exports: [B] })
    const app = weft({ logger: false, modules: [a, b] })
    await app.ready()
    assert.equal(app.get(A).users, app.get(B).users)
  })

  test('one module definition serves several apps, each with its own instances', async () => {
    const one = weft({ logger: false, modules: [users] })
    const two = weft({ logger: false, modules: [users] })
    await Promise.all([one.ready(), two.ready()])
    assert.notEqual(one.get(UserService), two.get(UserService))
  })
})
