import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weft'
import { withServer } from '../helpers/server.ts'

describe('routing over a real socket', () => {
  const app = weft({ logger: false })
  app.get('/', () => 'root')
  app.get('/users/new', () => 'new-form')
  app.get('/users/:id', (ctx) => ({ id: ctx.params.id }))
  app.delete('/users/:id', (ctx) => ({ deleted: ctx.params.id }))
  app.get('/users/:userId/posts/:postId', (ctx) => ctx.params)
  app.get('/files/*', (ctx) => ({ rest: ctx.params['*'] }))
  app.get('/assets/*path', (ctx) => ({ path: ctx.params.path }))
  app.post('/items', () => 'created')
  app.all('/any', (ctx) => ctx.method)
  app.on(['PUT', 'PATCH'], '/both', (ctx) => ctx.method)

  test('static routes win over params, params are decoded', async () => {
    await withServer(app, async ({ url }) => {
      assert.equal(await (await fetch(`${url}/users/new`)).text(), 'new-form')
      assert.deepEqual(await (await fetch(`${url}/users/42`)).json(), { id: '42' })
      assert.deepEqual(await (await fetch(`${url}/users/a%20b%2Fc`)).json(), { id: 'a b/c' })
    })
  })

  test('a method that only a param route has backtracks past the static route', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/users/new`, { method: 'DELETE' })
      assert.deepEqual(await res.json(), { deleted: 'new' })
    })
  })

  test('several params and wildcards', async () => {
    await withServer(app, async ({ url }) => {
      assert.deepEqual(await (await fetch(`${url}/users/7/posts/9`)).json(), { userId: '7', postId: '9' })
      assert.deepEqual(await (await fetch(`${url}/files/a/b/c.txt`)).json(), { rest: 'a/b/c.txt' })
      assert.deepEqual(await (await fetch(`${url}/files`)).json(), { rest: '' })
      assert.deepEqual(await (await fetch(`${url}/assets/css/x.css`)).json(), { path: 'css/x.css' })
    })
  })

  test('a trailing slash reaches the same route', async () => {
    await withServer(app, async ({ url }) => {
      assert.deepEqual(await (await fetch(`${url}/users/5/`)).json(), { id: '5' })
    })
  })

  test('405 with Allow when the path exists under another method', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/items`)
      assert.equal(res.status, 405)
      assert.equal(res.headers.get('allow'), 'POST, OPTIONS')
      assert.equal(res.headers.get('content-type'), 'application/problem+json')
      assert.equal((await res.json()).status, 405)
    })
  })

  test('OPTIONS on a known path answers 204 with Allow', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/users/1`, { method: 'OPTIONS' })
      assert.equal(res.status, 204)
      assert.equal(res.headers.get('allow'), 'GET, DELETE, HEAD, OPTIONS')
    })
  })

  test('404 as problem+json when nothing matches', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/nothing/here`)
      assert.equal(res.status, 404)
      const problem = await res.json()
      assert.equal(problem.title, 'Not Found')
      assert.equal(problem.code, 'WEFT_NOT_FOUND')
    })
  })

  test('HEAD is served by the GET route, without a body but with its length', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/users/42`, { method: 'HEAD' })
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-length'), String('{"id":"42"}'.length))
      assert.equal(await res.text(), '')
    })
  })

  test('all() answers every method; on() takes several', async () => {
    await withServer(app, async ({ url }) => {
      for (const method of ['GET', 'POST', 'PATCH']) {
        assert.equal(await (await fetch(`${url}/any`, { method })).text(), method)
      }
      assert.equal(await (await fetch(`${url}/both`, { method: 'PATCH' })).text(), 'PATCH')
      assert.equal((await fetch(`${url}/both`)).status, 405)
    })
  })

  test('a route registered twice is refused at start-up', async () => {
    const dup = weft({ logger: false })
    dup.get('/x', () => 1)
    dup.get('/x', () => 2)
    await assert.rejects(async () => dup.request('/x'), /WEFT_DUPLICATE_ROUTE/)
  })
})

describe('sub-apps', () => {
  test('route() mounts an app under a prefix with its own middleware', async () => {
    const api = weft({ logger: false })
    api.use(async (ctx, next) => {
      await next()
      ctx.header('x-api', 'yes')
    })
    api.get('/users/:id', (ctx) => ({ id: ctx.params.id }))
    api.get('/', () => 'api root')
    const app = weft({ logger: false })
    app.get('/', () => 'home')
    app.route('/api', api)
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/api/users/3`)
      assert.deepEqual(await res.json(), { id: '3' })
      assert.equal(res.headers.get('x-api'), 'yes')
      assert.equal(await (await fetch(`${url}/api`)).text(), 'api root')
      const home = await fetch(`${url}/`)
      assert.equal(await home.text(), 'home')
      assert.equal(home.headers.get('x-api'), null, "the sub-app's middleware stays inside it")
    })
    assert.deepEqual(
      app.routeList().map((r) => `${r.method} ${r.path}`),
      ['GET /', 'GET /api/users/:id', 'GET /api'],
    )
  })
})
