// After an early answer (a 413 while the upload goes on) the Node adapter closes the
// connection in two steps, reading and dropping the rest of the upload for a while (see
// src/adapters/node/linger.ts). Every runtime's answer reaching such a client is in the
// conformance suite; these are the bounds of that while.

import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { serve, weft } from 'weftjs'
import { LINGER_MS } from '../../src/adapters/node/linger.ts'
import { statusOf } from '../helpers/server.ts'

/**
 * Sends a chunked upload that never ends, a chunk every few milliseconds: resolves with
 * the answer once the server closes the connection, and calls `onAnswer` when it comes.
 */
function sendForever(port: number, onAnswer: () => void = () => {}): Promise<string> {
  return new Promise((resolve) => {
    // Half-open: the server's end of stream does not end this side.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
    let received = ''
    socket.on('data', (chunk) => {
      const first = received === ''
      received += chunk.toString('latin1')
      if (first) onAnswer()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(sending)
      resolve(received)
    })
    socket.write('POST /up HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n')
    const chunk = `4000\r\n${'a'.repeat(0x4000)}\r\n`
    const sending = setInterval(() => socket.writable && socket.write(chunk), 5)
  })
}

function app() {
  const app = weft({ logger: false, limits: { bodySize: 1024 } })
  app.post('/up', async (ctx) => (await ctx.bytes()).byteLength)
  return app
}

test('a client that never stops sending after an early 413 is cut off once the lingering time is over', async () => {
  const server = await serve(app(), { port: 0 })
  try {
    const started = performance.now()
    const answer = await sendForever(server.port)
    const elapsed = performance.now() - started
    assert.equal(statusOf(answer), 413)
    assert.ok(elapsed >= LINGER_MS - 100, `cut off after ${elapsed} ms, before the client had its while`)
    assert.ok(elapsed < LINGER_MS + 3000, `still open ${elapsed} ms later`)
  } finally {
    await server.close()
  }
})

test('close() does not wait out a lingering connection', async () => {
  const server = await serve(app(), { port: 0 })
  let closing: Promise<void> | undefined
  let closed = Number.POSITIVE_INFINITY
  const started = performance.now()
  const answer = await sendForever(server.port, () => {
    closing = server.close().then(() => {
      closed = performance.now() - started
    })
  })
  await closing
  assert.equal(statusOf(answer), 413)
  assert.ok(closed < LINGER_MS / 2, `close() took ${closed} ms`)
})
