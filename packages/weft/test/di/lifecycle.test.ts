import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { serve, weft } from 'weftjs'
import { inject, module } from 'weftjs/di'

describe('lifecycle', () => {
  test('onInit runs in dependency order, and serve() awaits it before taking traffic', async () => {
    const events: string[] = []
    class Database {
      connected = false
      async onInit() {
        await new Promise((resolve) => setTimeout(resolve, 30))
        this.connected = true
        events.push('database')
      }
    }
    class Cache {
      db = inject(Database)
      onInit() {
        events.push(`cache sees connected=${this.db.connected}`)
      }
    }
    const app = weft({
      logger: false,
      // Cache is listed first: order comes from dependencies, not from the list.
      modules: [
        module({
          providers: [Cache, Database],
          routes: (r) => r.get('/health', (ctx) => ({ connected: ctx.get(Database).connected })),
        }),
      ],
    })
    const server = await serve(app, { port: 0 })
    try {
      assert.deepEqual(events, ['database', 'cache sees connected=true'])
      assert.deepEqual(await (await fetch(`${server.url}/health`)).json(), { connected: true })
    } finally {
      await server.close()
    }
  })

  test('server.close() runs onDestroy in reverse order after in-flight requests finish', async () => {
    const events: string[] = []
    let release!: () => void
    let entered!: () => void
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve))
    class Database {
      onDestroy() {
        events.push('database destroyed')
      }
    }
    class Jobs {
      db = inject(Database)
      async onDestroy() {
        await new Promise((resolve) => setTimeout(resolve, 10))
        events.push('jobs destroyed')
      }
    }
    const app = weft({
      logger: false,
      modules: [
        module({
          providers: [Database, Jobs],
          routes: (r) =>
            r.get('/slow', async () => {
              const released = new Promise<void>((resolve) => (release = resolve))
              entered()
              await released
              events.push('request finished')
              return 'done'
            }),
        }),
      ],
    })
    const server = await serve(app, { port: 0 })
    const inFlight = fetch(`${server.url}/slow`).then((res) => res.text())
    await handlerEntered
    const closing = server.close()
    release()
    assert.equal(await inFlight, 'done')
    await closing
    assert.deepEqual(events, ['request finished', 'jobs destroyed', 'database destroyed'])
  })

  test('a failing onInit stops start-up with a clear error, and what had started is destroyed', async () => {
    const events: string[] = []
    class Database {
      onInit() {
        events.push('database init')
      }
      onDestroy() {
        events.push('database destroyed')
      }
    }
    class Migrations {
      db = inject(Database)
      onInit() {
        throw new Error('migration 7 failed')
      }
      onDestroy() {
        events.push('migrations destroyed')
      }
    }
    const app = weft({
      logger: false,
      modules: [module({ name: 'data', providers: [Database, Migrations] })],
    })
    await assert.rejects(
      serve(app, { port: 0 }),
      /WEFT_DI_INIT_FAILED: Migrations\.onInit\(\) in module "data" failed, so the app did not start: migration 7 failed/,
    )
    assert.deepEqual(events, ['database init', 'database destroyed'])
  })

  test('a failing constructor stops start-up too', async () => {
    class Broken {
      constructor() {
        throw new Error('no config')
      }
    }
    const app = weft({ logger: false, modules: [module({ providers: [Broken] })] })
    await assert.rejects(serve(app, { port: 0 }), /no config/)
  })

  test('ready() and close() are idempotent; values given with useValue are not destroyed', async () => {
    let destroyed = 0
    const external = {
      onDestroy() {
        destroyed++
      },
    }
    class Owned {
      onDestroy() {
        destroyed += 10
      }
    }
    const app = weft({
      logger: false,
      modules: [module({ providers: [Owned, { provide: Object, useValue: external }] })],
    })
    await Promise.all([app.ready(), app.ready()])
    await Promise.all([app.close(), app.close()])
    assert.equal(destroyed, 10)
  })

  test('an onDestroy that fails is logged and the others still run', async () => {
    const logged: string[] = []
    const logger = {
      error: (_fields: unknown, message: string) => logged.push(message),
      warn() {},
      info() {},
      debug() {},
    }
    let ran = false
    class First {
      onDestroy() {
        ran = true
      }
    }
    class Second {
      first = inject(First)
      onDestroy() {
        throw new Error('stuck')
      }
    }
    const app = weft({
      logger: logger as never,
      modules: [module({ name: 'm', providers: [First, Second] })],
    })
    await app.ready()
    await app.close()
    assert.equal(ran, true)
    assert.deepEqual(logged, ['onDestroy of Second in module "m" failed'])
  })
})
