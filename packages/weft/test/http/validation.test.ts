import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weft'
import { z } from 'zod'
import { withServer } from '../helpers/server.ts'

describe('route schemas (any Standard Schema; zod here)', () => {
  const app = weft({ logger: false })
  const User = z.object({ name: z.string().min(1), age: z.number().int().min(0) })
  app.post('/users', { body: User }, (ctx) => ctx.json({ created: ctx.body.name, age: ctx.body.age }, 201))
  app.get('/users/:id', { params: z.object({ id: z.coerce.number().int() }) }, (ctx) => ({
    id: ctx.params.id + 1,
  }))
  app.get(
    '/search',
    { query: z.object({ q: z.string(), limit: z.coerce.number().max(50).default(10) }) },
    (ctx) => ctx.query,
  )
  app.get('/secure', { headers: z.object({ 'x-api-key': z.string().length(4) }) }, (ctx) => ({
    key: ctx.headers['x-api-key'],
  }))

  test('a valid body reaches the handler typed and parsed', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Ada', age: 36 }),
      })
      assert.equal(res.status, 201)
      assert.deepEqual(await res.json(), { created: 'Ada', age: 36 })
    })
  })

  test('an invalid body answers 422 listing each issue with its path', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: '', age: 'old' }),
      })
      assert.equal(res.status, 422)
      assert.equal(res.headers.get('content-type'), 'application/problem+json')
      const problem = await res.json()
      assert.equal(problem.code, 'WEFT_VALIDATION')
      assert.deepEqual(
        problem.errors.map((e: { in: string; path: string }) => `${e.in}:${e.path}`),
        ['body:name', 'body:age'],
      )
      for (const error of problem.errors) assert.ok(error.message.length > 0)
    })
  })

  test('an unparseable body answers 400, a wrong content type 415, a missing body 422', async () => {
    await withServer(app, async ({ url }) => {
      const post = (body: string | undefined, type?: string) =>
        fetch(`${url}/users`, { method: 'POST', body, headers: type ? { 'content-type': type } : {} })
      assert.equal((await post('{"name":', 'application/json')).status, 400)
      assert.equal((await post('<user/>', 'application/xml')).status, 415)
      assert.equal((await post(undefined)).status, 422)
    })
  })

  test('params, query and headers are validated and transformed', async () => {
    await withServer(app, async ({ url }) => {
      assert.deepEqual(await (await fetch(`${url}/users/41`)).json(), { id: 42 })
      const bad = await fetch(`${url}/users/abc`)
      assert.equal(bad.status, 422)
      assert.equal((await bad.json()).errors[0].in, 'params')
      assert.deepEqual(await (await fetch(`${url}/search?q=x`)).json(), { q: 'x', limit: 10 })
      const tooMany = await fetch(`${url}/search?q=x&limit=99`)
      assert.equal(tooMany.status, 422)
      assert.equal((await tooMany.json()).errors[0].path, 'limit')
      assert.deepEqual(await (await fetch(`${url}/secure`, { headers: { 'x-api-key': 'abcd' } })).json(), {
        key: 'abcd',
      })
      assert.equal((await fetch(`${url}/secure`)).status, 422)
    })
  })

  test('async schemas work too', async () => {
    const asyncApp = weft({ logger: false })
    const slowName = z.object({ name: z.string().refine(async (n) => n !== 'taken', 'name is taken') })
    asyncApp.post('/', { body: slowName }, (ctx) => ctx.body)
    const ok = await asyncApp.request('/', {
      method: 'POST',
      body: '{"name":"free"}',
      headers: { 'content-type': 'application/json' },
    })
    assert.deepEqual(await ok.json(), { name: 'free' })
    const taken = await asyncApp.request('/', {
      method: 'POST',
      body: '{"name":"taken"}',
      headers: { 'content-type': 'application/json' },
    })
    assert.equal(taken.status, 422)
    assert.equal((await taken.json()).errors[0].message, 'name is taken')
  })
})
