import assert from 'node:assert/strict'
import { connect as connectSocket } from 'node:net'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'
import { rawRequest, statusOf, withServer } from '../helpers/server.ts'

/**
 * Sends a request and reads nothing for `stallMs`, then reads on: resolves with the
 * bytes received once the server closes the connection, or null if it is still open
 * `stallMs + 3000` ms later. (A paused socket cannot see the close, hence the resume.)
 */
function stallThenRead(port: number, path: string, stallMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    let received = 0
    const socket = connectSocket({ port, host: '127.0.0.1' }, () => {
      socket.pause()
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)
    })
    socket.on('error', () => {})
    setTimeout(() => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.byteLength
      })
      socket.resume()
    }, stallMs)
    const giveUp = setTimeout(() => {
      socket.destroy()
      resolve(null)
    }, stallMs + 3_000)
    socket.on('close', () => {
      clearTimeout(giveUp)
      resolve(received)
    })
  })
}

describe('the Node adapter writing responses', () => {
  test('a client that stops reading a stream is cut off after sendTimeout and the stream released', async () => {
    let cancelled = 0
    let pulled = 0
    const app = weft({ logger: false, limits: { sendTimeout: 400 } })
    app.get('/endless', () => {
      const chunk = new Uint8Array(64 * 1024).fill(97)
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++
          controller.enqueue(chunk)
        },
        cancel() {
          cancelled++
        },
      })
    })
    app.get('/big', () => 'b'.repeat(32 * 1024 * 1024))
    app.get('/ok', () => 'ok')
    await withServer(app, async (server) => {
      const streamed = await stallThenRead(server.port, '/endless', 1_500)
      assert.notEqual(streamed, null, 'the endless stream was never cut off')
      assert.equal(cancelled, 1)
      const pulledAtClose = pulled
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.equal(pulled, pulledAtClose, 'nothing is pulled once the stream is released')

      const big = await stallThenRead(server.port, '/big', 1_500)
      assert.notEqual(big, null)
      assert.ok(big! < 32 * 1024 * 1024, `the whole body was kept for the stalled client (${big} bytes)`)
      // The server kept serving everyone else all along.
      assert.equal(await (await fetch(`${server.url}/ok`)).text(), 'ok')
    })
  })

  test('a slow reader that keeps reading is not cut off', async () => {
    const app = weft({ logger: false, limits: { sendTimeout: 300 } })
    app.get('/ticks', () => {
      let n = 0
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 100))
          if (++n > 8) controller.close()
          else controller.enqueue(new TextEncoder().encode(`tick ${n}\n`))
        },
      })
    })
    await withServer(app, async ({ url }) => {
      const text = await (await fetch(`${url}/ticks`)).text()
      assert.equal(text.split('\n').filter(Boolean).length, 8)
    })
  })

  test('a header Node refuses, set straight on ctx.res.headers, answers a proper 500 problem with the cookies', async () => {
    const app = weft({ logger: false, dev: false })
    app.get('/raw-header', (ctx) => {
      ctx.cookies.set('session', 'abc')
      ctx.res.headers['x-label'] = 'price €5'
      return 'never sent'
    })
    await withServer(app, async (server) => {
      const raw = await rawRequest(server, 'GET /raw-header HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.match(raw, /^HTTP\/1\.1 500 Internal Server Error\r\n/)
      assert.match(raw, /\r\ncontent-type: application\/problem\+json\r\n/i)
      assert.match(raw, /\r\nset-cookie: session=abc;/i)
      const problem = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))
      assert.equal(problem.code, 'WEFT_HEADER_INJECTION')
      assert.doesNotMatch(raw, /never sent/)
    })
  })

  test('OPTIONS * lists the methods the app answers; an absolute-form target is routed by its path', async () => {
    const app = weft({ logger: false })
    app.get('/users/:id', (ctx) => ({ id: ctx.params.id }))
    app.post('/users', () => 'created')
    await withServer(app, async (server) => {
      const options = await rawRequest(server, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.equal(statusOf(options), 204)
      const allow = /\r\nallow: ([^\r]*)/i.exec(options)?.[1].split(', ') ?? []
      for (const method of ['GET', 'HEAD', 'POST', 'OPTIONS']) assert.ok(allow.includes(method), allow.join())
      const absolute = await rawRequest(
        server,
        `GET ${server.url}/users/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      )
      assert.equal(statusOf(absolute), 200)
      assert.match(absolute, /\{"id":"7"\}/)
      const star = await rawRequest(server, 'GET *users/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      assert.equal(statusOf(star), 400)
      assert.match(star, /WEFT_BAD_REQUEST_TARGET/)
    })
  })
})
