import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { compose, HttpError, weft } from 'weft'
import { withServer } from '../helpers/server.ts'

describe('onion middleware', () => {
  test('runs in, then out, and code after next() sees the response', async () => {
    const order: string[] = []
    const app = weft({ logger: false })
    app.use(async (ctx, next) => {
      order.push('a in')
      await next()
      order.push(`a out ${ctx.res.status || 200}`)
      ctx.header('x-powered-by', 'weft')
    })
    app.use(async (_ctx, next) => {
      order.push('b in')
      await next()
      order.push('b out')
    })
    app.get('/', () => {
      order.push('handler')
      return 'hi'
    })
    await withServer(app, async ({ url }) => {
      const res = await fetch(url)
      assert.equal(await res.text(), 'hi')
      assert.equal(res.headers.get('x-powered-by'), 'weft')
    })
    assert.deepEqual(order, ['a in', 'b in', 'handler', 'b out', 'a out 200'])
  })

  test('route-level middleware runs after app middleware, before the handler', async () => {
    const order: string[] = []
    const app = weft({ logger: false })
    app.use(async (_ctx, next) => {
      order.push('app')
      await next()
    })
    app.get(
      '/x',
      async (ctx, next) => {
        order.push('route')
        ctx.state.user = 'ann'
        await next()
      },
      (ctx) => ctx.state.user,
    )
    await withServer(app, async ({ url }) => {
      assert.equal(await (await fetch(`${url}/x`)).text(), 'ann')
    })
    assert.deepEqual(order, ['app', 'route'])
  })

  test('middleware may answer without calling next()', async () => {
    const app = weft({ logger: false })
    app.use((ctx, next) => (ctx.headerValue('authorization') ? next() : ctx.json({ error: 'login' }, 401)))
    app.get('/', () => 'secret')
    await withServer(app, async ({ url }) => {
      const res = await fetch(url)
      assert.equal(res.status, 401)
      assert.deepEqual(await res.json(), { error: 'login' })
      assert.equal(await (await fetch(url, { headers: { authorization: 'x' } })).text(), 'secret')
    })
  })

  test('path-scoped middleware wraps only that subtree, 404s included', async () => {
    const app = weft({ logger: false })
    app.use('/admin', async (ctx, next) => {
      await next()
      ctx.header('x-admin', '1')
    })
    app.get('/admin/panel', () => 'panel')
    app.get('/administrator', () => 'not admin')
    await withServer(app, async ({ url }) => {
      assert.equal((await fetch(`${url}/admin/panel`)).headers.get('x-admin'), '1')
      assert.equal((await fetch(`${url}/admin/missing`)).headers.get('x-admin'), '1')
      assert.equal((await fetch(`${url}/administrator`)).headers.get('x-admin'), null)
    })
  })

  test('a handler error is the response by the time outer middleware resumes', async () => {
    const seen: unknown[] = []
    const app = weft({ logger: false })
    app.use(async (ctx, next) => {
      await next()
      seen.push(ctx.res.status, (ctx.error as Error).message)
      ctx.header('x-after', 'yes')
    })
    app.get('/', () => {
      throw new HttpError(409, 'taken')
    })
    await withServer(app, async ({ url }) => {
      const res = await fetch(url)
      assert.equal(res.status, 409)
      assert.equal(res.headers.get('x-after'), 'yes')
    })
    assert.deepEqual(seen, [409, 'taken'])
  })

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
