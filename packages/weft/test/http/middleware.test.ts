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
  })
})
