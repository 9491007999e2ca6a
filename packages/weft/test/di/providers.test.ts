import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'
import { inject, module, token } from 'weftjs/di'

async function start(...modules: Parameters<typeof module>[0][]) {
  const app = weft({ logger: false, modules: modules.map(module) })
  await app.ready()
  return app
}

describe('providers', () => {
  test('a class provider gets its dependencies from inject() in field initialisers and constructors', async () => {
    class Clock {
      now = () => 42
    }
    class Greeter {
      clock = inject(Clock)
      readonly greeting: string
      constructor() {
        this.greeting = `hello at ${inject(Clock).now()}`
      }
    }
    const app = await start({ providers: [Clock, Greeter] })
    const greeter = app.get(Greeter)
    assert.equal(greeter.greeting, 'hello at 42')
    assert.equal(greeter.clock, app.get(Clock))
  })

  test('a value provider keyed by a token', async () => {
    const PORT = token<number>('PORT')
    const app = await start({ providers: [{ provide: PORT, useValue: 8080 }] })
    assert.equal(app.get(PORT), 8080)
  })

  test('a factory gets its declared `inject` list as arguments, and may call inject() too', async () => {
    const HOST = token<string>('HOST')
    const PORT = token<number>('PORT')
    const URL_ = token<string>('URL')
    const app = await start({
      providers: [
        { provide: HOST, useValue: 'db.local' },
        { provide: PORT, useValue: 5432 },
        { provide: URL_, useFactory: (host: string) => `postgres://${host}:${inject(PORT)}`, inject: [HOST] },
      ],
    })
    assert.equal(app.get(URL_), 'postgres://db.local:5432')
  })

  test('an async singleton factory is awaited at start-up', async () => {
    const DB = token<{ connected: boolean }>('DB')
    class Repo {
      db = inject(DB)
    }
    const app = await start({
      providers: [
        {
          provide: DB,
          useFactory: async () => {
            await new Promise((resolve) => setTimeout(resolve, 10))
            return { connected: true }
          },
        },
        Repo,
      ],
    })
    assert.deepEqual(app.get(Repo).db, { connected: true })
  })

  test('useClass binds a key (an abstract class) to an implementation', async () => {
    abstract class Mailer {
      abstract send(to: string): string
    }
    class SmtpMailer extends Mailer {
      send(to: string) {
        return `smtp:${to}`
      }
    }
    const app = await start({ providers: [{ provide: Mailer, useClass: SmtpMailer }] })
    assert.equal(app.get(Mailer).send('ada'), 'smtp:ada')
  })

  test('useExisting is an alias: both keys give the same instance', async () => {
    class Store {}
    const STORE = token<Store>('STORE')
    const app = await start({ providers: [Store, { provide: STORE, useExisting: Store }] })
    assert.equal(app.get(STORE), app.get(Store))
  })

  test('an optional dependency is undefined when nothing provides it', async () => {
    const TRACER = token<{ trace(): void }>('TRACER')
    class Service {
      tracer = inject(TRACER, { optional: true })
    }
    const app = await start({ providers: [Service] })
    assert.equal(app.get(Service).tracer, undefined)
  })

  test('multi providers collect every contribution into an array, across modules', async () => {
    const PLUGINS = token<string[]>('PLUGINS')
    class Registry {
      plugins = inject(PLUGINS)
    }
    class ClassPlugin {
      toString() {
        return 'class'
      }
    }
    const extra = module({
      name: 'extra',
      providers: [{ provide: PLUGINS, useFactory: () => 'factory', multi: true }],
      exports: [PLUGINS],
    })
    const app = weft({
      logger: false,
      modules: [
        module({
          name: 'core',
          imports: [extra],
          providers: [
            { provide: PLUGINS, useValue: 'value', multi: true },
            { provide: PLUGINS, useClass: ClassPlugin, multi: true },
            Registry,
          ],
        }),
      ],
    })
    await app.ready()
    assert.deepEqual(app.get(Registry).plugins.map(String), ['factory', 'value', 'class'])
  })

  test('a later provider of the same key replaces an earlier one', async () => {
    const NAME = token<string>('NAME')
    const app = await start({
      providers: [
        { provide: NAME, useValue: 'first' },
        { provide: NAME, useValue: 'second' },
      ],
    })
    assert.equal(app.get(NAME), 'second')
  })

  test('inject() outside a provider being built fails and says where to call it', () => {
    class Anything {}
    assert.throws(() => inject(Anything), /WEFT_DI_NO_CONTEXT: inject\(Anything\).*ctx\.get\(Anything\)/)
  })

  test('app.get() before start-up says to await app.ready()', () => {
    class Service {}
    const app = weft({ logger: false, modules: [module({ providers: [Service] })] })
    assert.throws(() => app.get(Service), /WEFT_DI_NOT_READY.*await app\.ready\(\)/)
  })

  test('a provider that is not a class nor a provider object is refused when the app is made', () => {
    assert.throws(
      () => weft({ modules: [module({ name: 'bad', providers: [{ nope: 1 } as never] })] }),
      /WEFT_DI_BAD_PROVIDER: Module "bad"/,
    )
  })

  test('app.get(X) without modules, and ctx.get(X), say how to add modules', async () => {
    class Service {}
    const app = weft({ logger: false, dev: true })
    assert.throws(() => app.get(Service), /WEFT_NO_MODULES/)
    app.get('/x', (ctx) => ctx.get(Service))
    const res = await app.request('/x')
    assert.equal(res.status, 500)
    assert.match((await res.json()).detail, /WEFT_NO_MODULES/)
  })
})
