import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'
import { rawRequest, statusOf, withServer } from '../helpers/server.ts'

// The conformance suite checks the head timeout on every runtime that has one; Node also
// bounds the whole request, which only this runtime offers.
describe('Node server timeouts', () => {
  test('a client that never finishes its head or its body is answered 408', async () => {
    const app = weft({ logger: false, limits: { headersTimeout: 500, requestTimeout: 1000 } })
    app.post('/echo', async (ctx) => ctx.parseBody())
    await withServer(app, async (server) => {
      const slowHead = await rawRequest(server, 'GET /echo HTTP/1.1\r\nHost: x\r\n', 4000)
      assert.equal(statusOf(slowHead), 408)
      const slowBody = await rawRequest(
        server,
        'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a"',
        4000,
      )
      assert.equal(statusOf(slowBody), 408)
    })
  })
})
