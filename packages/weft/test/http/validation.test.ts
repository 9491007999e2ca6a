import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'
import { z } from 'zod'

// Validation over a socket is in the conformance suite (cases/errors.ts) and, per library,
// in test/schema/schema-libraries.test.ts.
describe('route schemas', () => {
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
