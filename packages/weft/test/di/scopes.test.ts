import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { serve, weft } from 'weftjs'
import { CONTEXT, inject, module, token } from 'weftjs/di'

/**
 * Resolves once `tick` has run `n` times: disposal runs after the response is sent, so the
 * test waits for it to happen rather than sleeping. A bound turns a missing disposal into
 * a clear failure instead of a hung test.
 */
function countdown(n: number, what: string) {
  let left = n
  let tick!: () => void
  const done = new Promise<void>((resolve, reject) => {
    const bound = setTimeout(
      () => reject(new Error(`${what}: ${left} of ${n} still pending after 5 s`)),
      5000,
    )
    tick = () => {
      if (--left === 0) {
        clearTimeout(bound)
        resolve()
      }
    }
  })
  return { tick, done }
}

describe('scopes', () => {
  test('a singleton is built once and shared by everyone', async () => {
    let built = 0
    class Config {
      constructor() {
        built++
      }
    }
    class A {
      config = inject(Config)
    }
    class B {
      config = inject(Config)
    }
    const app = weft({ logger: false, modules: [module({ providers: [Config, A, B] })] })
    await app.ready()
    assert.equal(app.get(A).config, app.get(B).config)
    assert.equal(built, 1)
  })

  test('a transient is a new instance for every injection', async () => {
    class Id {
      value = Symbol('id')
    }
    class A {
      one = inject(Id)
      two = inject(Id)
    }
    const app = weft({
      logger: false,
      modules: [module({ providers: [{ provide: Id, useClass: Id, scope: 'transient' }, A] })],
    })
    await app.ready()
    assert.notEqual(app.get(A).one, app.get(A).two)
    assert.notEqual(app.get(Id), app.get(Id))
  })

  test('request scope over a real socket: one instance per request, disposed after the response', async () => {
    const events: string[] = []
    const destroyedBoth = countdown(2, 'request users destroyed')
    let counter = 0
    class RequestUser {
      static scope = 'request' as const
      readonly id = ++counter
      onDestroy() {
        events.push(`destroy ${this.id}`)
        destroyedBoth.tick()
      }
    }
    class Audit {
      static scope = 'request' as const
      user = inject(RequestUser)
      async [Symbol.asyncDispose]() {
        events.push(`dispose audit of ${this.user.id}`)
      }
    }
    const users = module({
      name: 'users',
      providers: [RequestUser, Audit],
      routes: (r) =>
        r.get('/me', (ctx) => {
          const user = ctx.get(RequestUser)
          events.push(`handle ${user.id}`)
          return { same: ctx.get(Audit).user === user && ctx.get(RequestUser) === user, id: user.id }
        }),
    })
    const app = weft({ logger: false, modules: [users] })
    const server = await serve(app, { port: 0 })
    try {
      const first = await (await fetch(`${server.url}/me`)).json()
      const second = await (await fetch(`${server.url}/me`)).json()
      assert.deepEqual(first, { same: true, id: 1 })
      assert.deepEqual(second, { same: true, id: 2 })
      await destroyedBoth.done
      // Reverse order of creation: Audit (built last) goes first.
      assert.deepEqual(events, [
        'handle 1',
        'dispose audit of 1',
        'destroy 1',
        'handle 2',
        'dispose audit of 2',
        'destroy 2',
      ])
    } finally {
      await server.close()
    }
  })

  test('a request-scoped instance is disposed even when the handler throws', async () => {
    let destroyed = 0
    const disposal = countdown(1, 'Tx destroyed')
    class Tx {
      static scope = 'request' as const
      onDestroy() {
        destroyed++
        disposal.tick()
      }
    }
    const app = weft({
      logger: false,
      modules: [
        module({
          providers: [Tx],
          routes: (r) =>
            r.get('/fail', (ctx) => {
              ctx.get(Tx)
              throw new Error('boom')
            }),
        }),
      ],
    })
    const server = await serve(app, { port: 0 })
    try {
      assert.equal((await fetch(`${server.url}/fail`)).status, 500)
      await disposal.done
      assert.equal(destroyed, 1)
    } finally {
      await server.close()
    }
  })

  test('in-process app.request() disposes request scopes too', async () => {
    let destroyed = 0
    const disposal = countdown(1, 'Tx destroyed')
    class Tx {
      static scope = 'request' as const
      onDestroy() {
        destroyed++
        disposal.tick()
      }
    }
    const app = weft({
      logger: false,
      modules: [module({ providers: [Tx], routes: (r) => r.get('/', (ctx) => typeof ctx.get(Tx)) })],
    })
    assert.equal(await (await app.request('/')).text(), 'object')
    await disposal.done
    assert.equal(destroyed, 1)
  })

  test('a singleton depending on a request-scoped provider fails at start-up, naming the chain', async () => {
    class Session {
      static scope = 'request' as const
      id = Math.random()
    }
    class Audit {
      static scope = 'transient' as const
      session = inject(Session)
    }
    class Reports {
      audit = inject(Audit)
    }
    const app = weft({
      logger: false,
      modules: [module({ name: 'reports', providers: [Session, Audit, Reports] })],
    })
    await assert.rejects(
      app.ready(),
      /WEFT_DI_SCOPE: Singleton "Reports" depends on request-scoped "Session" \(Reports -> Audit -> Session\)/,
    )
  })

  test('a singleton factory declaring a request-scoped dependency fails before anything is built', async () => {
    let built = false
    const REPORT = token<string>('REPORT')
    class Session {
      static scope = 'request' as const
      constructor() {
        built = true
      }
    }
    const app = weft({
      logger: false,
      modules: [
        module({
          providers: [Session, { provide: REPORT, useFactory: (s: Session) => String(s), inject: [Session] }],
        }),
      ],
    })
    await assert.rejects(
      app.ready(),
      /WEFT_DI_SCOPE: Singleton "REPORT" depends on request-scoped "Session" \(REPORT -> Session\)/,
    )
    assert.equal(built, false)
  })

  test('app.get() of a request-scoped provider says to use ctx.get() in a handler', async () => {
    class Session {
      static scope = 'request' as const
      id = Math.random()
    }
    const app = weft({ logger: false, modules: [module({ providers: [Session] })] })
    await app.ready()
    assert.throws(() => app.get(Session), /WEFT_DI_SCOPE: "Session" is request-scoped.*ctx\.get\(Session\)/)
  })

  test('a request-scoped provider reads the request through inject(CONTEXT)', async () => {
    class CurrentUser {
      static scope = 'request' as const
      name = inject(CONTEXT).headerValue('x-user') ?? 'anonymous'
    }
    const app = weft({
      logger: false,
      modules: [
        module({ providers: [CurrentUser], routes: (r) => r.get('/me', (ctx) => ctx.get(CurrentUser).name) }),
      ],
    })
    const res = await app.request('/me', { headers: { 'x-user': 'ada' } })
    assert.equal(await res.text(), 'ada')
    assert.equal(await (await app.request('/me')).text(), 'anonymous')
  })

  test('a singleton injecting CONTEXT fails at start-up', async () => {
    class Cache {
      ctx = inject(CONTEXT)
    }
    const app = weft({ logger: false, modules: [module({ providers: [Cache] })] })
    await assert.rejects(app.ready(), /WEFT_DI_SCOPE: Singleton "Cache" depends on request-scoped "CONTEXT"/)
  })
})
