import assert from 'node:assert/strict'
import { Agent, request as httpRequest } from 'node:http'
import { after, before, describe, test } from 'node:test'
import { findRuntimes, type Runtime } from '../runtimes/runtimes.mjs'
import { bodies } from './cases/bodies.ts'
import { cookies } from './cases/cookies.ts'
import { errors } from './cases/errors.ts'
import { hostile } from './cases/hostile.ts'
import { middleware } from './cases/middleware.ts'
import { realtimeCases } from './cases/realtime.ts'
import { responses } from './cases/responses.ts'
import { routing } from './cases/routing.ts'
import { security } from './cases/security.ts'
import { websocket } from './cases/websocket.ts'
import { assertBareInternalError, type Case, get, rawRequest, statusOf } from './client.ts'
import { type RunningServer, startServer } from './process.ts'
import { openSocket } from './websocket-client.ts'

const groups: [string, Case[]][] = [
  ['routing', routing],
  ['middleware', middleware],
  ['responses and streaming', responses],
  ['request bodies and the body limit', bodies],
  ['errors and validation', errors],
  ['hostile input', hostile],
  ['cookies', cookies],
  ['security', security],
  ['WebSocket routes', websocket],
  ['realtime channels', realtimeCases],
]

/**
 * The conformance suite for one runtime: the fixture app is started once under it as a
 * child process and every case runs against it over a real socket; graceful shutdown
 * gets processes of its own. A runtime that is missing fails under CI=true and is
 * skipped, loudly, elsewhere.
 */
export function runConformance(name: Runtime['name']): void {
  const runtime = findRuntimes().find((r) => r.name === name)!
  if (runtime.missing) {
    const message = `${runtime.label} is not available: ${runtime.missing}`
    if (process.env.CI === 'true') {
      test(`${runtime.label} is installed`, () => assert.fail(`${message}. CI must run every runtime.`))
    } else {
      console.warn(`\n!!! SKIPPING the ${runtime.label} conformance suite: ${message}\n`)
      test(`conformance on ${runtime.label}`, { skip: message }, () => {})
    }
    return
  }

  describe(`conformance on ${runtime.label}`, () => {
    let server: RunningServer
    before(async () => {
      server = await startServer(runtime)
    })
    after(() => server?.stop())
    const target = () => ({ url: server.url, port: server.port, runtime: name, pid: server.child.pid })

    test('serve() picked the native server of the runtime', async () => {
      const { runtime: picked } = await (await fetch(`${server.url}/__runtime`)).json()
      assert.equal(picked, name === 'node24' ? 'node' : name)
    })
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const [title, run] of cases) {
          test(title, () => run(target()))
        }
      })
    }
    test('timeouts: a silent client is cut off', async (t) => {
      if (name === 'deno') return t.skip('Deno.serve has no head or idle timeout (docs/runtimes.md)')
      const started = Date.now()
      // Node times out an unfinished head with 408. Bun's idleTimeout (from
      // limits.requestTimeout) only closes idle keep-alive connections, so it gets one.
      const raw =
        name === 'bun'
          ? await rawRequest(target(), 'GET /ok HTTP/1.1\r\nHost: x\r\n\r\n', 9000)
          : await rawRequest(target(), 'GET /ok HTTP/1.1\r\nHost: x\r\n', 9000)
      const waited = Date.now() - started
      assert.ok(waited < 8000, `closed after ${waited} ms`)
      assert.equal(statusOf(raw), name === 'bun' ? 200 : 408)
    })
  })

  describe(`production unless development is asked for, on ${runtime.label}`, () => {
    test('no NODE_ENV: an unexpected throw answers the bare problem document', async () => {
      const server = await startServer(runtime, 'di-main.ts', 30_000, { env: { NODE_ENV: undefined } })
      try {
        const res = await fetch(`${server.url}/crash`)
        await assertBareInternalError(res)
      } finally {
        await server.stop()
      }
    })

    test('NODE_ENV=development: the answer carries the message and the stack', async () => {
      const server = await startServer(runtime, 'di-main.ts', 30_000, { env: { NODE_ENV: 'development' } })
      try {
        const problem = await (await fetch(`${server.url}/crash`)).json()
        assert.equal(problem.detail, 'database password is hunter2')
        assert.ok(Array.isArray(problem.stack))
      } finally {
        await server.stop()
      }
    })
  })

  describe(`graceful shutdown on ${runtime.label}`, () => {
    test('SIGTERM: in-flight requests finish, idle keep-alive sockets close, new ones are refused, exit 0', async () => {
      const server = await startServer(runtime)
      const agent = new Agent({ keepAlive: true })
      try {
        assert.equal((await keepAliveGet(server.port, '/ok', agent)).body, 'ok')
        const inFlight = get(server.port, '/slow?ms=800')
        await server.nextEvent('slow-started')
        server.child.kill('SIGTERM')
        await new Promise((resolve) => setTimeout(resolve, 200))
        await assert.rejects(get(server.port, '/ok'), /ECONNREFUSED|ECONNRESET|socket hang up/)
        assert.deepEqual(await inFlight, { status: 200, body: 'finished' })
        const finishedAt = Date.now()
        assert.equal(await server.exited, 0, server.stderr())
        assert.ok(Date.now() - finishedAt < 3000, 'the idle keep-alive socket did not hold the exit back')
      } finally {
        agent.destroy()
        await server.stop()
      }
    })

    test('close(): WebSockets get what was queued for them, then close with 1001', async () => {
      const server = await startServer(runtime)
      try {
        const ws = await openSocket({ url: server.url, port: server.port, runtime: name }, '/ws/echo/end')
        await ws.next()
        const received: string[] = []
        ws.socket.on('message', (data) => received.push(String(data)))
        ws.socket.send('burst')
        await new Promise((resolve) => setTimeout(resolve, 50))
        await fetch(`${server.url}/__close`, { method: 'POST' })
        const closed = await ws.closed
        assert.equal(closed.code, 1001)
        assert.equal(received.length, 200, 'every queued message arrived before the close')
        assert.equal(received[199], 'burst 199')
        const code = await Promise.race([
          server.exited,
          new Promise((resolve) => setTimeout(() => resolve('still running'), 8000)),
        ])
        assert.equal(code, 0, server.stderr())
      } finally {
        await server.stop()
      }
    })

    test('close(): in-flight requests finish, new ones are refused, the process ends by itself', async () => {
      const server = await startServer(runtime)
      try {
        const inFlight = get(server.port, '/slow?ms=800')
        await server.nextEvent('slow-started')
        const closing = await fetch(`${server.url}/__close`, { method: 'POST' })
        assert.equal(await closing.text(), 'closing')
        await new Promise((resolve) => setTimeout(resolve, 200))
        await assert.rejects(get(server.port, '/ok'), /ECONNREFUSED|ECONNRESET|socket hang up/)
        assert.deepEqual(await inFlight, { status: 200, body: 'finished' })
        const code = await Promise.race([
          server.exited,
          new Promise((resolve) => setTimeout(() => resolve('still running'), 5000)),
        ])
        assert.equal(code, 0, server.stderr())
      } finally {
        await server.stop()
      }
    })
  })
}

function keepAliveGet(port: number, path: string, agent: Agent) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    httpRequest({ port, host: '127.0.0.1', path, agent }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c: string) => {
        body += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
      .on('error', reject)
      .end()
  })
}
