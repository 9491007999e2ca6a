import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'

// Results over a socket are in the conformance suite (test/conformance/cases/responses.ts).
describe('app.request()', () => {
  test('answers in-process, without a socket, HEAD included', async () => {
    const app = weft({ logger: false })
    app.get('/object', () => ({ a: 1, list: [1, 2] }))
    app.get('/string', () => 'plain')
    const res = await app.request('/object')
    assert.deepEqual(await res.json(), { a: 1, list: [1, 2] })
    const head = await app.request('/string', { method: 'HEAD' })
    assert.equal(await head.text(), '')
    assert.equal(head.headers.get('content-length'), '5')
  })
})
