import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { serve, weft } from 'weftjs'
import { rawRequest } from '../helpers/server.ts'

// The router's rules in-process, one by one: fast enough to run under mutation testing.
// The same behaviour over a socket on every runtime is in the conformance suite.

const app = weft({ logger: false })
  .get('/', () => 'root')
  .get('/users/new', () => 'new-form')
  .get('/users/:id', (ctx) => `user ${ctx.params.id}`)
  .delete('/users/:id', (ctx) => `deleted ${ctx.params.id}`)
  .get('/users/:id/posts/:post', (ctx) => `${ctx.params.id}/${ctx.params.post}`)
  .get('/a/b/d', () => 'static b')
  .get('/a/:x/c', (ctx) => `param ${ctx.params.x}`)
  .get('/files/*', (ctx) => `rest [${ctx.params['*']}]`)
  .get('/assets/*path', (ctx) => `path [${ctx.params.path}]`)
  .get('/list/', () => 'list')
  .get('/names/:first', (ctx) => `get ${Object.keys(ctx.params)}`)
  .post('/names/:second', (ctx) => `post ${Object.keys(ctx.params)}`)
  .all('/any', (ctx) => `all ${ctx.method}`)
  .get('/any', () => 'get wins')
  .get('/mixed/*', () => 'wild')
  .get('/mixed/x/y', () => 'static')
  .post('/only-post', () => 'posted')

async function answer(path: string, method = 'GET') {
  const res = await app.request(path, { method })
  const body = await res.text()
  return { status: res.status, body, allow: res.headers.get('allow') }
}

const text = async (path: string, method = 'GET') => (await answer(path, method)).body

describe('router', () => {
  test('a static segment wins over a parameter, a parameter over a wildcard', async () => {
    assert.equal(await text('/'), 'root')
    assert.equal(await text('/users/new'), 'new-form')
    assert.equal(await text('/users/7'), 'user 7')
    assert.equal(await text('/users/7/posts/9'), '7/9')
    assert.equal(await text('/mixed/x/y'), 'static')
    assert.equal(await text('/mixed/x/z'), 'wild')
  })

  test('a dead-end static branch backtracks to the parameter branch', async () => {
    assert.equal(await text('/a/b/d'), 'static b')
    assert.equal(await text('/a/b/c'), 'param b')
    assert.equal(await text('/a/q/c'), 'param q')
    assert.equal((await answer('/a/b/e')).status, 404)
  })

  test('wildcards take the rest of the path, slashes included, or nothing', async () => {
    assert.equal(await text('/files/a/b.txt'), 'rest [a/b.txt]')
    assert.equal(await text('/files/x'), 'rest [x]')
    assert.equal(await text('/files'), 'rest []')
    assert.equal(await text('/files/'), 'rest []')
    assert.equal(await text('/assets/css/site.css'), 'path [css/site.css]')
  })

  test('a trailing slash is the same route, on the request or on the route', async () => {
    assert.equal(await text('/users/7/'), 'user 7')
    assert.equal(await text('/list'), 'list')
    assert.equal(await text('/list/'), 'list')
    assert.equal(await text('/users/new/'), 'new-form')
  })

  test('an empty segment is no parameter value', async () => {
    assert.equal((await answer('/users//posts/1')).status, 404)
    assert.equal((await answer('/users')).status, 404)
  })

  test('parameters are percent-decoded; broken encoding answers 400', async () => {
    assert.equal(await text('/users/a%20b'), 'user a b')
    assert.equal(await text('/users/a%2Fb'), 'user a/b')
    assert.equal(await text('/users/%C3%A9'), 'user é')
    assert.equal(await text('/users/plain'), 'user plain')
    const broken = await app.request('/users/%zz')
    assert.equal(broken.status, 400)
    const problem = await broken.json()
    assert.deepEqual(
      [problem.code, problem.detail],
      ['WEFT_BAD_PATH', 'The request path has malformed percent-encoding'],
    )
  })

  test('each route names its own parameters, siblings with other names included', async () => {
    assert.equal(await text('/names/x'), 'get first')
    assert.equal(await text('/names/x', 'POST'), 'post second')
  })

  test('HEAD falls back to GET; all() answers the methods no route names', async () => {
    const head = await app.request('/users/7', { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal(await text('/any'), 'get wins')
    assert.equal(await text('/any', 'PATCH'), 'all PATCH')
    assert.equal(await text('/any', 'HEAD'), '')
    assert.equal((await answer('/only-post', 'HEAD')).status, 405)
  })

  test('a path other methods answer is a 405 with Allow; OPTIONS answers 204 with Allow', async () => {
    const wrong = await answer('/users/7', 'PUT')
    assert.deepEqual([wrong.status, wrong.allow], [405, 'GET, DELETE, HEAD, OPTIONS'])
    const wrongStatic = await answer('/only-post')
    assert.deepEqual([wrongStatic.status, wrongStatic.allow], [405, 'POST, OPTIONS'])
    const wrongWild = await answer('/files/a', 'POST')
    assert.deepEqual([wrongWild.status, wrongWild.allow], [405, 'GET, HEAD, OPTIONS'])
    const wrongEmptyWild = await answer('/files', 'POST')
    assert.deepEqual([wrongEmptyWild.status, wrongEmptyWild.allow], [405, 'GET, HEAD, OPTIONS'])
    const options = await answer('/users/7', 'OPTIONS')
    assert.deepEqual([options.status, options.allow], [204, 'GET, DELETE, HEAD, OPTIONS'])
    const missing = await answer('/nothing/here', 'PUT')
    assert.deepEqual([missing.status, missing.allow], [404, null])
  })

  test('bad parameter names and a wildcard before the end are refused at start-up', async () => {
    const refused = (path: string) =>
      weft({ logger: false })
        .get(path, () => 1)
        .request('/')
    await assert.rejects(async () => refused('/x/:1bad'), /WEFT_BAD_ROUTE: bad parameter name "1bad"/)
    await assert.rejects(async () => refused('/x/:a-b'), /WEFT_BAD_ROUTE/)
    await assert.rejects(async () => refused('/x/*/y'), /WEFT_BAD_ROUTE: a wildcard must end the path/)
    await assert.rejects(async () => refused('/x/*a/y'), /WEFT_BAD_ROUTE: a wildcard must end the path/)
  })

  test('the same method and path twice is refused at start-up, static, parameter or wildcard', async () => {
    for (const [first, second] of [
      ['/s', '/s/'],
      ['/p/:a', '/p/:b'],
      ['/w/*', '/w/*rest'],
    ]) {
      const twice = weft({ logger: false })
        .get(first, () => 1)
        .get(second, () => 2)
      await assert.rejects(async () => twice.request(first), /WEFT_DUPLICATE_ROUTE/, first)
    }
    const methods = weft({ logger: false })
      .get('/p/:a', () => 1)
      .post('/p/:a', () => 2)
      .get('/s', () => 1)
      .post('/s', () => 2)
    assert.equal((await methods.request('/p/1', { method: 'POST' })).status, 200)
    assert.equal((await methods.request('/s', { method: 'POST' })).status, 200)
  })

  test('path-scoped middleware and mounts join paths segment-wise', async () => {
    const sub = weft({ logger: false })
      .get('/', () => 'sub root')
      .get('/x', () => 'sub x')
    const scoped = weft({ logger: false })
      .use(async (ctx, next) => {
        await next()
        ctx.header('x-every', '1')
      })
      .use('/admin', async (ctx, next) => {
        await next()
        ctx.header('x-admin', '1')
      })
      .use('/', async (ctx, next) => {
        await next()
        ctx.header('x-all', '1')
      })
      .get('/admin', () => 'a')
      .get('/admin/panel', () => 'p')
      .get('/administrator', () => 'not admin')
      .route('/api/', sub)
    const seen = async (path: string) => {
      const res = await scoped.request(path)
      assert.equal(res.headers.get('x-every'), '1', path)
      return [await res.text(), res.headers.get('x-admin'), res.headers.get('x-all')]
    }
    assert.deepEqual(await seen('/admin'), ['a', '1', '1'])
    assert.deepEqual(await seen('/admin/panel'), ['p', '1', '1'])
    assert.deepEqual(await seen('/administrator'), ['not admin', null, '1'])
    assert.deepEqual(await seen('/api'), ['sub root', null, '1'])
    assert.deepEqual(await seen('/api/x'), ['sub x', null, '1'])
    assert.deepEqual(
      scoped.routeList().map((r) => r.path),
      ['/admin', '/admin/panel', '/administrator', '/api', '/api/x'],
    )
  })

  test('over a socket, only OPTIONS may use the asterisk target, and it lists every method', async () => {
    const server = await serve(app, { port: 0 })
    try {
      const options = await rawRequest(server, 'OPTIONS * HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')
      assert.match(options, /^HTTP\/1\.1 204/)
      assert.match(options, /\r\nallow: GET, DELETE, POST, \*, HEAD, OPTIONS\r\n/i)
      const get = await rawRequest(server, 'GET * HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')
      assert.match(get, /^HTTP\/1\.1 400/)
      assert.match(get, /WEFT_BAD_REQUEST_TARGET/)
      assert.match(get, /The request target must be a path starting with \\"\/\\"/)
      const notAsterisk = await rawRequest(
        server,
        'OPTIONS users HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
      )
      assert.match(notAsterisk, /^HTTP\/1\.1 400/)
    } finally {
      await server.close()
    }
  })
})
