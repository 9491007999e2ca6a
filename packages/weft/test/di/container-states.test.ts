import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'
import { module, token } from 'weftjs/di'

// The container's states as a user meets them: before start, after a failed start, after
// close; and what start-up and close wait for.

describe('container states', () => {
  test('get() says why it cannot resolve: not started, failed to start, or closed', async () => {
    class Service {}
    const app = weft({ logger: false, modules: [module({ providers: [Service] })] })
    assert.throws(
      () => app.get(Service),
      /WEFT_DI_NOT_READY: Cannot resolve "Service": the app has not started/,
    )
    await app.ready()
    assert.ok(app.get(Service) instanceof Service)
    await app.close()
    assert.throws(() => app.get(Service), /WEFT_DI_NOT_READY: Cannot resolve "Service": the app was closed$/)

    class Broken {
      onInit() {
        throw new Error('no database')
      }
    }
    const failed = weft({ logger: false, modules: [module({ providers: [Service, Broken] })] })
    await assert.rejects(failed.ready(), /WEFT_DI_INIT_FAILED/)
    assert.throws(() => failed.get(Service), /Cannot resolve "Service": the app failed to start$/)
  })

  test('a failed start destroys what it started once; close() afterwards destroys nothing again', async () => {
    const events: string[] = []
    class Early {
      onDestroy() {
        events.push('early destroyed')
      }
    }
    class Late {
      early = Early
      onInit() {
        throw new Error('late fails')
      }
    }
    const app = weft({ logger: false, modules: [module({ providers: [Early, Late] })] })
    await assert.rejects(app.ready())
    await app.close()
    assert.deepEqual(events, ['early destroyed'])
  })

  test('close() before start-up destroys nothing and leaves the app closed', async () => {
    let destroyed = 0
    class Service {
      onDestroy() {
        destroyed++
      }
    }
    const app = weft({ logger: false, modules: [module({ providers: [Service] })] })
    await app.close()
    assert.equal(destroyed, 0)
    assert.throws(() => app.get(Service), /the app was closed/)
  })

  test('close() waits for request scopes still being disposed before destroying singletons', async () => {
    const events: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    class Tx {
      static scope = 'request' as const
      async onDestroy() {
        await gate
        events.push('request scope disposed')
      }
    }
    class Pool {
      onDestroy() {
        events.push('singleton destroyed')
      }
    }
    const app = weft({
      logger: false,
      modules: [module({ providers: [Tx, Pool], routes: (r) => r.get('/', (ctx) => typeof ctx.get(Tx)) })],
    })
    assert.equal(await (await app.request('/')).text(), 'object')
    const closing = app.close()
    release()
    await closing
    assert.deepEqual(events, ['request scope disposed', 'singleton destroyed'])
  })

  test('a factory gets the value of the async singleton it injects, started first', async () => {
    const URL = token<string>('URL')
    const order: string[] = []
    const CLIENT = token<{ url: string }>('CLIENT')
    const app = weft({
      logger: false,
      modules: [
        module({
          providers: [
            {
              provide: CLIENT,
              useFactory: (url: string) => {
                order.push('client')
                return { url }
              },
              inject: [URL],
            },
            {
              provide: URL,
              useFactory: async () => {
                await Promise.resolve()
                order.push('url')
                return 'postgres://db'
              },
            },
          ],
        }),
      ],
    })
    await app.ready()
    assert.deepEqual(app.get(CLIENT), { url: 'postgres://db' })
    assert.deepEqual(order, ['url', 'client'])
  })

  test('a key provided both with and without multi is refused, naming the module and key', async () => {
    const PLUGINS = token<string>('PLUGINS')
    const start = () =>
      weft({
        logger: false,
        modules: [
          module({
            name: 'plugins',
            providers: [
              { provide: PLUGINS, useValue: 'a', multi: true },
              { provide: PLUGINS, useValue: 'b' },
            ],
          }),
        ],
      }).ready()
    await assert.rejects(
      async () => start(),
      /WEFT_DI_BAD_PROVIDER: Module "plugins" provides "PLUGINS" both with and without multi: true/,
    )
  })

  test('something other than a module in imports is refused', async () => {
    const start = () =>
      weft({ logger: false, modules: [module({ imports: [{ name: 'fake' } as never] })] }).ready()
    await assert.rejects(
      async () => start(),
      /WEFT_DI_BAD_PROVIDER: Expected a module\(\) in modules or imports, got \[object Object\]/,
    )
  })
})
