import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { weft } from 'weftjs'
import { serveStatic } from 'weftjs/static'
import { withServer } from '../helpers/server.ts'

const SIZE = 96 * 1024 * 1024

test('a client that stops reading holds the server to a few chunks of a large file, not the file', {
  timeout: 60_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'weft-static-bp-'))
  const file = join(root, 'large.bin')
  writeFileSync(file, '')
  truncateSync(file, SIZE)
  const app = weft({ logger: false }).use(serveStatic({ root }))
  try {
    await withServer(app, async (server) => {
      const socket = connect(server.port, '127.0.0.1')
      let received = 0
      socket.on('data', (chunk) => {
        received += chunk.byteLength
      })
      socket.pause()
      socket.write('GET /large.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      const before = process.memoryUsage().arrayBuffers
      await new Promise((resolve) => setTimeout(resolve, 1500))
      const held = process.memoryUsage().arrayBuffers - before
      // Socket buffers take a few MiB on loopback; without backpressure the whole 96 MiB
      // would be read into the response's write queue within that time.
      assert.ok(held < 32 * 1024 * 1024, `the server holds ${(held / 1048576).toFixed(1)} MiB`)
      const ended = new Promise((resolve) => socket.on('close', resolve))
      socket.resume()
      await ended
      assert.ok(received > SIZE, `received ${received} bytes, head included`)
    })
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
