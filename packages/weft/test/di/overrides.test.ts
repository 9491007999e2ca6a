import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'
import { inject, module, token } from 'weftjs/di'

class Mailer {
  send(to: string): string {
    throw new Error(`would really mail ${to}`)
  }
}
class Signup {
  mailer = inject(Mailer)
  register(email: string) {
    return this.mailer.send(email)
  }
}
const mail = module({ name: 'mail', providers: [Mailer], exports: [Mailer] })
const accounts = module({
  name: 'accounts',
  imports: [mail],
  providers: [Signup],
  routes: (r) => r.post('/signup/:email', (ctx) => ctx.get(Signup).register(ctx.params.email)),
})

describe('overriding providers in tests', () => {
  test('an override replaces a provider deep in the tree; no network needed', async () => {
    const sent: string[] = []
    const fake = {
      send: (to: string) => {
        sent.push(to)
        return `queued ${to}`
      },
    }
    const app = weft({ logger: false, modules: [accounts], override: [[Mailer, fake]] })
    const res = await app.request('/signup/ada@example.com', { method: 'POST' })
    assert.equal(await res.text(), 'queued ada@example.com')
    assert.deepEqual(sent, ['ada@example.com'])
  })

  test('the same modules without the override use the real provider', async () => {
    const app = weft({ logger: false, dev: true, modules: [accounts] })
    const res = await app.request('/signup/ada@example.com', { method: 'POST' })
    assert.equal(res.status, 500)
    assert.match((await res.json()).detail, /would really mail/)
  })

  test('a token, and a request-scoped provider, can be overridden with a fixed value', async () => {
    const NOW = token<() => number>('NOW')
    class CurrentUser {
      static scope = 'request' as const
      id = 'from the session'
    }
    const app = weft({
      logger: false,
      modules: [
        module({
          providers: [{ provide: NOW, useValue: Date.now }, CurrentUser],
          routes: (r) => r.get('/', (ctx) => ({ at: ctx.get(NOW)(), user: ctx.get(CurrentUser).id })),
        }),
      ],
      override: [
        [NOW, () => 0],
        [CurrentUser, { id: 'test-user' }],
      ],
    })
    assert.deepEqual(await (await app.request('/')).json(), { at: 0, user: 'test-user' })
  })

  test('overriding a key no module provides is refused: probably a typo', () => {
    class Unused {}
    assert.throws(
      () => weft({ modules: [accounts], override: [[Unused, {}]] }),
      /WEFT_DI_BAD_OVERRIDE: Cannot override "Unused": no module provides it/,
    )
  })

  test('overrides apply to one app only: module definitions are not changed', async () => {
    const withFake = weft({ logger: false, modules: [mail], override: [[Mailer, { send: () => 'fake' }]] })
    const real = weft({ logger: false, modules: [mail] })
    await Promise.all([withFake.ready(), real.ready()])
    assert.equal(withFake.get(Mailer).send('x'), 'fake')
    assert.ok(real.get(Mailer) instanceof Mailer)
  })
})
