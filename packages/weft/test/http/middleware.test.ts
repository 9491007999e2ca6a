import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { compose, weft } from 'weftjs'

describe('onion middleware', () => {
  test('calling next() twice is an error', async () => {
    const app = weft({ logger: false, dev: true })
    app.use(async (_ctx, next) => {
      await next()
      await next()
    })
    app.get('/', () => 'x')
    const res = await app.request('/')
    assert.equal(res.status, 500)
    assert.match((await res.json()).detail, /WEFT_NEXT_TWICE/)
  })

  test('compose is the plain onion on its own', async () => {
    const log: number[] = []
    const run = compose<number[]>([
      async (ctx, next) => {
        ctx.push(1)
        await next()
        ctx.push(4)
      },
      async (ctx, next) => {
        ctx.push(2)
        await next()
        ctx.push(3)
      },
    ])
    await run(log)
    assert.deepEqual(log, [1, 2, 3, 4])
    // `last` is the innermost layer: it runs after every middleware, once.
    log.length = 0
    await run(log, (ctx) => ctx.push(9))
    assert.deepEqual(log, [1, 2, 9, 3, 4])
    const alone: number[] = []
    await compose<number[]>([])(alone, (ctx) => ctx.push(9))
    assert.deepEqual(alone, [9])
  })

  test('a middleware that throws synchronously gives a rejected promise, not a throw', async () => {
    const run = compose<string[]>([
      (_ctx, next) => next(),
      () => {
        throw new Error('sync')
      },
    ])
    let returned: Promise<void> | undefined
    assert.doesNotThrow(() => {
      returned = run([])
    })
    await assert.rejects(returned as Promise<void>, /sync/)
  })
})
