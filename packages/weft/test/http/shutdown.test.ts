import assert from 'node:assert/strict'
import { Agent, request as httpRequest } from 'node:http'
import { describe, test } from 'node:test'
import { serve, weft } from 'weftjs'

function get(port: number, path: string, agent?: Agent) {
  return new Promise<{ status: number; body: string; socketClosed: Promise<unknown> }>((resolve, reject) => {
    const req = httpRequest({ port, path, agent }, (res) => {
      const socketClosed = new Promise((closed) => res.socket.once('close', closed))
      let body = ''
      res.on('data', (c) => {
        body += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, socketClosed }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('graceful close()', () => {
  test('in-flight requests finish, new connections are refused, then close resolves', async () => {
    let release!: () => void
    let started!: () => void
    const handlerStarted = new Promise<void>((resolve) => (started = resolve))
    const app = weft({ logger: false })
    app.get('/slow', async () => {
      started()
      await new Promise<void>((resolve) => (release = resolve))
      return 'finished'
    })
    const server = await serve(app, { port: 0 })
    const inFlight = get(server.port, '/slow')
    await handlerStarted
    let closed = false
    const closing = server.close().then(() => (closed = true))
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(closed, false, 'close() waits for the in-flight request')
    await assert.rejects(get(server.port, '/slow'), /ECONNREFUSED/)
    release()
    const { status, body } = await inFlight
    assert.deepEqual({ status, body }, { status: 200, body: 'finished' })
    await closing
    assert.equal(closed, true)
  })

  test('idle keep-alive connections are closed instead of waiting out their timeout', async () => {
    const app = weft({ logger: false, limits: { keepAliveTimeout: 60_000 } })
    app.get('/', () => 'hi')
    const server = await serve(app, { port: 0 })
    const agent = new Agent({ keepAlive: true })
    const { body, socketClosed } = await get(server.port, '/', agent)
    assert.equal(body, 'hi')
    let closedEarly = false
    socketClosed.then(() => (closedEarly = !closing))
    let closing = false
    await new Promise((resolve) => setTimeout(resolve, 100))
    assert.equal(closedEarly, false, 'the connection is kept alive while the server runs')
    closing = true
    await server.close()
    await socketClosed
    agent.destroy()
  })

  test('close() is quick with idle keep-alive sockets, also those idle only after an in-flight answer', async () => {
    let release!: () => void
    let started!: () => void
    const handlerStarted = new Promise<void>((resolve) => (started = resolve))
    const app = weft({ logger: false, limits: { keepAliveTimeout: 60_000 } })
    app.get('/', () => 'hi')
    app.get('/slow', async () => {
      started()
      await new Promise<void>((resolve) => (release = resolve))
      return 'finished'
    })
    const server = await serve(app, { port: 0 })
    const agent = new Agent({ keepAlive: true, maxSockets: 8 })
    const idle = await Promise.all([1, 2, 3].map(() => get(server.port, '/', agent)))
    assert.deepEqual(
      idle.map((r) => r.body),
      ['hi', 'hi', 'hi'],
    )
    const inFlight = get(server.port, '/slow', agent)
    await handlerStarted
    const start = performance.now()
    const closing = server.close()
    release()
    const answer = await inFlight
    assert.equal(answer.body, 'finished')
    await closing
    const took = performance.now() - start
    // The sockets would otherwise stay open for the 60 s keep-alive (or the runtime's own
    // few seconds): a bound well above a loaded machine's noise and far below either.
    // close() resolves once the server has no connection left, idle ones included.
    assert.ok(took < 1500, `close() took ${Math.round(took)} ms`)
    agent.destroy()
  })
})
