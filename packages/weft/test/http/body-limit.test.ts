import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { describe, test } from 'node:test'
import { weft } from 'weft'
import { withServer } from '../helpers/server.ts'

const MiB = 1024 * 1024

/** Streams chunked data until the server answers; returns the status and how much was sent. */
function uploadUntilAnswered(port: number, path: string, chunkSize: number, maxChunks: number) {
  return new Promise<{ status: number; sent: number }>((resolve, reject) => {
    let sent = 0
    let answered = false
    const req = httpRequest(
      { port, path, method: 'POST', headers: { 'content-type': 'application/octet-stream' } },
      (res) => {
        answered = true
        res.resume()
        resolve({ status: res.statusCode ?? 0, sent })
      },
    )
    req.on('error', (error) => (answered ? undefined : reject(error)))
    const chunk = Buffer.alloc(chunkSize, 97)
    const pump = () => {
      if (answered || sent >= maxChunks * chunkSize) return req.end()
      sent += chunk.length
      req.write(chunk, () => setTimeout(pump, 5))
    }
    pump()
  })
}

describe('body size limit', () => {
  const app = weft({ logger: false })
  app.post('/upload', async (ctx) => ({ size: (await ctx.bytes()).byteLength }))
  app.post('/small', { bodyLimit: 10 }, async (ctx) => ({ size: (await ctx.bytes()).byteLength }))

  test('1 MiB by default: just under passes', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/upload`, { method: 'POST', body: new Uint8Array(MiB) })
      assert.deepEqual(await res.json(), { size: MiB })
    })
  })

  test('413 at once when content-length announces more', async () => {
    await withServer(app, async ({ url }) => {
      const res = await fetch(`${url}/upload`, { method: 'POST', body: new Uint8Array(MiB + 1) })
      assert.equal(res.status, 413)
      assert.equal((await res.json()).code, 'WEFT_BODY_TOO_LARGE')
    })
  })

  test('413 while streaming, as soon as the limit is passed: the rest is never read', async () => {
    await withServer(app, async ({ port }) => {
      const { status, sent } = await uploadUntilAnswered(port, '/upload', 256 * 1024, 64)
      assert.equal(status, 413)
      assert.ok(sent < 4 * MiB, `answered after ${sent} bytes, not after the whole 16 MiB`)
    })
  })

  test('a route limit overrides the app limit, and the app limit is configurable', async () => {
    await withServer(app, async ({ url }) => {
      assert.equal((await fetch(`${url}/small`, { method: 'POST', body: '0123456789' })).status, 200)
      assert.equal((await fetch(`${url}/small`, { method: 'POST', body: '0123456789X' })).status, 413)
    })
    const tight = weft({ logger: false, limits: { bodySize: 100 } })
    tight.post('/', async (ctx) => (await ctx.bytes()).byteLength)
    await withServer(tight, async ({ url }) => {
      assert.equal((await fetch(url, { method: 'POST', body: 'x'.repeat(101) })).status, 413)
      assert.equal(await (await fetch(url, { method: 'POST', body: 'x'.repeat(100) })).text(), '100')
    })
  })

  test('ctx.req streams within the limit too', async () => {
    const streaming = weft({ logger: false, limits: { bodySize: 1000 } })
    streaming.post('/', async (ctx) => (await ctx.req.arrayBuffer()).byteLength)
    await withServer(streaming, async ({ port }) => {
      const { status } = await uploadUntilAnswered(port, '/', 600, 10)
      assert.equal(status, 413)
    })
  })
})
