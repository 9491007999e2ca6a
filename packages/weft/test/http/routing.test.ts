import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'

// Routing behaviour over a socket is in the conformance suite (test/conformance/cases/routing.ts),
// run on every runtime. These are the app-level rules around it.
describe('route registration', () => {
  test('a route registered twice is refused at start-up', async () => {
    const dup = weft({ logger: false })
    dup.get('/x', () => 1)
    dup.get('/x', () => 2)
    await assert.rejects(async () => dup.request('/x'), /WEFT_DUPLICATE_ROUTE/)
  })

  test('a path must start with "/" and a route needs a handler', () => {
    const app = weft({ logger: false })
    assert.throws(() => app.on('GET', 'users', () => 1), /WEFT_BAD_ROUTE/)
    assert.throws(() => app.on('GET', '/users'), /WEFT_BAD_ROUTE/)
  })

  test('routeList() shows every route with its full path, mounted sub-apps included', () => {
    const api = weft()
      .get('/users/:id', () => 1)
      .get('/', () => 2)
    const app = weft()
      .get('/', () => 'home')
      .route('/api', api)
    assert.deepEqual(
      app.routeList().map((r) => `${r.method} ${r.path}`),
      ['GET /', 'GET /api/users/:id', 'GET /api'],
    )
  })
})
