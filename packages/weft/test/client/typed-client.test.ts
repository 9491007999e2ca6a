import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { HttpError, weft } from 'weftjs'
import { ClientError, client } from 'weftjs/client'
import { z } from 'zod'
import { withServer } from '../helpers/server.ts'

const users = new Map([['1', { id: '1', name: 'ada' }]])
const app = weft({ logger: false })
  .get('/users/:id', (ctx) => users.get(ctx.params.id) ?? notFound(ctx.params.id))
  .post('/users', { body: z.object({ name: z.string().min(1) }) }, (ctx) => {
    const user = { id: String(users.size + 1), name: ctx.body.name }
    users.set(user.id, user)
    return ctx.json(user, 201)
  })
  .get('/search', { query: z.object({ tag: z.array(z.string()).or(z.string()) }) }, (ctx) => ({
    tag: ctx.query.tag,
  }))
  .delete('/users/:id', (ctx) => {
    users.delete(ctx.params.id)
  })
  .get('/files/*', (ctx) => ctx.params['*'])
  .get('/echo/:a/:b', { query: z.object({ q: z.string(), r: z.array(z.string()) }) }, (ctx) => ({
    params: ctx.params,
    query: ctx.query,
  }))

function notFound(id: string): never {
  throw new HttpError(404, `No user ${id}`, { code: 'USER_NOT_FOUND' })
}

describe('typed client against a real server', () => {
  test('calls fill params, send bodies and queries, and return parsed bodies', async () => {
    await withServer(app, async ({ url }) => {
      const api = client<typeof app>(url)
      assert.deepEqual(await api.get('/users/:id', { params: { id: '1' } }), { id: '1', name: 'ada' })
      const created = await api.post('/users', { body: { name: 'grace' } })
      assert.equal(created.name, 'grace')
      assert.deepEqual(await api.get('/search', { query: { tag: ['a', 'b'] } }), { tag: ['a', 'b'] })
      assert.equal(await api.delete('/users/:id', { params: { id: created.id } }), undefined)
      assert.equal(await api.get('/files/*', { params: { '*': 'a b/c.txt' } }), 'a b/c.txt')
    })
  })

  test('reserved characters, percent signs and unicode round-trip in params and the query', async () => {
    await withServer(app, async ({ url }) => {
      const api = client<typeof app>(url)
      const awkward = ['a/b?c#d', '100%', '%2F', 'é ✓ 😀', 'x+y&z=1', ' ', '.a']
      for (const value of awkward) {
        const params = { a: value, b: `${value}!` }
        const query = { q: value, r: [value, '&'] }
        assert.deepEqual(await api.get('/echo/:a/:b', { params, query }), { params, query }, value)
      }
      const path = 'dir/a b?c#d%/ü.txt'
      assert.equal(await api.get('/files/*', { params: { '*': path } }), path)
    })
  })

  test('a non-2xx answer throws ClientError carrying the problem document', async () => {
    await withServer(app, async ({ url }) => {
      const api = client<typeof app>(url)
      const missing = await api.get('/users/:id', { params: { id: '99' } }).catch((e: unknown) => e)
      assert.ok(missing instanceof ClientError)
      assert.equal(missing.status, 404)
      assert.equal(missing.problem.code, 'USER_NOT_FOUND')
      assert.equal(missing.message, 'No user 99')
      const invalid = await api.post('/users', { body: { name: '' } }).catch((e: unknown) => e)
      assert.ok(invalid instanceof ClientError)
      assert.equal(invalid.status, 422)
      assert.equal((invalid.problem.errors as { path: string }[])[0].path, 'name')
    })
  })

  test('a custom fetch runs the client in-process', async () => {
    const api = client<typeof app>('http://in-process', { fetch: (request) => app.fetch(request) })
    assert.deepEqual(await api.get('/users/:id', { params: { id: '1' } }), { id: '1', name: 'ada' })
  })
})
