import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'
import { inject, module, token } from 'weftjs/di'

describe('cycles and missing providers', () => {
  test('a constructor cycle is reported at start-up with its full path', async () => {
    class A {
      b = inject(B)
    }
    class B {
      c = inject(C)
    }
    class C {
      a = inject(A)
    }
    const app = weft({ logger: false, modules: [module({ providers: [A, B, C] })] })
    await assert.rejects(app.ready(), /WEFT_DI_CYCLE: Dependency cycle: A -> B -> C -> A\./)
  })

  test('a cycle through transient and request-scoped providers is reported when first resolved', async () => {
    class Left {
      static scope = 'request' as const
      right = inject(Right)
    }
    class Right {
      static scope = 'transient' as const
      left = inject(Left)
    }
    const app = weft({
      logger: false,
      dev: true,
      modules: [module({ providers: [Left, Right], routes: (r) => r.get('/', (ctx) => ctx.get(Left)) })],
    })
    const res = await app.request('/')
    assert.equal(res.status, 500)
    assert.match((await res.json()).detail, /WEFT_DI_CYCLE: Dependency cycle: Left -> Right -> Left/)
  })

  test('a cycle among declared factory dependencies is found before any factory runs', async () => {
    const X = token<number>('X')
    const Y = token<number>('Y')
    let ran = false
    const factory = (n: number) => {
      ran = true
      return n + 1
    }
    const app = weft({
      logger: false,
      modules: [
        module({
          providers: [
            { provide: X, useFactory: factory, inject: [Y] },
            { provide: Y, useFactory: factory, inject: [X] },
          ],
        }),
      ],
    })
    await assert.rejects(app.ready(), /WEFT_DI_CYCLE: Dependency cycle: X -> Y -> X/)
    assert.equal(ran, false)
  })

  test('a missing provider names who asked for it, and the chain that led there', async () => {
    class Mailer {}
    class Notifier {
      mailer = inject(Mailer)
    }
    class Signup {
      notifier = inject(Notifier)
    }
    const app = weft({
      logger: false,
      modules: [module({ name: 'accounts', providers: [Signup, Notifier] })],
    })
    await assert.rejects(
      app.ready(),
      /WEFT_DI_MISSING_PROVIDER: "Notifier" in module "accounts" asked for "Mailer" \(Signup -> Notifier -> Mailer\), but no module provides it/,
    )
  })

  test('an import cycle between modules is allowed: it is visibility, not construction', async () => {
    class A {}
    class B {}
    const a: ReturnType<typeof module> = module({
      name: 'a',
      get imports() {
        return [b]
      },
      providers: [A],
      exports: [A],
    })
    const b = module({ name: 'b', imports: [a], providers: [B], exports: [B] })
    const app = weft({ logger: false, modules: [a] })
    await app.ready()
    assert.ok(app.get(A) instanceof A)
  })
})
