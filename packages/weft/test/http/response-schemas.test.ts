import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type } from 'arktype'
import { weft } from 'weftjs'
import { z } from 'zod'

describe('response schemas', () => {
  const User = z.object({ id: z.string(), name: z.string() })
  const build = (options: { dev: boolean; validateResponses?: boolean }) => {
    const app = weft({ logger: false, ...options })
    app.get('/good', { response: User }, () => ({ id: '1', name: 'ada' }))
    app.get('/bad', { response: User }, () => ({ id: 1 }))
    app.post('/created', { response: { 201: User } }, (ctx) => ctx.json({ id: '2' }, 201))
    app.get('/async', { response: { 200: User } }, async () => ({ id: '3', name: 'x' }))
    return app
  }

  test('in development a handler answering the wrong shape fails loudly', async () => {
    const app = build({ dev: true })
    assert.deepEqual(await (await app.request('/good')).json(), { id: '1', name: 'ada' })
    assert.deepEqual(await (await app.request('/async')).json(), { id: '3', name: 'x' })
    const bad = await app.request('/bad')
    assert.equal(bad.status, 500)
    const problem = await bad.json()
    assert.equal(problem.code, 'WEFT_RESPONSE_VALIDATION')
    assert.deepEqual(
      problem.errors.map((e: { path: string }) => e.path),
      ['id', 'name'],
    )
    const created = await app.request('/created', { method: 'POST' })
    assert.equal(created.status, 500, 'ctx.json(data, 201) is checked against the 201 schema')
  })

  test('a single arktype schema (a function) is the 200 answer too', async () => {
    const app = weft({ logger: false, dev: true })
    app.get('/ark', { response: type({ id: 'string' }) }, () => ({ id: 1 }))
    const res = await app.request('/ark')
    assert.equal(res.status, 500)
    assert.equal((await res.json()).code, 'WEFT_RESPONSE_VALIDATION')
  })

  test('in production answers are not re-validated unless asked', async () => {
    const prod = build({ dev: false })
    assert.deepEqual(await (await prod.request('/bad')).json(), { id: 1 })
    const strict = build({ dev: false, validateResponses: true })
    assert.equal((await strict.request('/bad')).status, 500)
  })
})
