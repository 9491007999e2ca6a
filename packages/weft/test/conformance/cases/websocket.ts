import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import type { Case, Target } from '../client.ts'
import { openSocket, refusal } from '../websocket-client.ts'

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)),
  ])

export const websocket: Case[] = [
  [
    'an upgrade runs the middleware and upgrade(ctx): params, cookies and headers reach the socket',
    async (target) => {
      const ws = await openSocket(target, '/ws/echo/lobby', { headers: { cookie: 'user=ada' } })
      assert.equal(ws.headers['x-powered-by'], 'weft', 'app middleware ran on the upgrade request')
      assert.equal(ws.headers['x-upgrade'], 'accepted')
      assert.deepEqual(JSON.parse(await ws.next()), { hello: 'lobby', protocol: '' })
      ws.socket.send('hi')
      assert.deepEqual(JSON.parse(await ws.next()), {
        room: 'lobby',
        user: 'ada',
        text: 'hi',
        buffered: 'number',
      })
      ws.socket.close(1000)
      assert.equal((await ws.closed).code, 1000)
    },
  ],
  [
    'the first offered subprotocol is selected',
    async (target) => {
      const ws = await openSocket(target, '/ws/echo/p', { protocols: ['weft.v1', 'other'] })
      assert.equal(ws.socket.protocol, 'weft.v1')
      assert.deepEqual(JSON.parse(await ws.next()), { hello: 'p', protocol: 'weft.v1' })
      ws.socket.close()
    },
  ],
  [
    'upgrade(ctx) refuses with the Response it returns or the HttpError it throws',
    async (target) => {
      assert.deepEqual(await refusal(target, '/ws/echo/a?refuse=response'), {
        status: 401,
        body: 'no thanks',
      })
      const thrown = await refusal(target, '/ws/echo/a?refuse=error')
      assert.equal(thrown.status, 403)
      assert.equal(JSON.parse(thrown.body).code, 'ROOM_FORBIDDEN')
    },
  ],
  [
    'a plain GET on a WebSocket path answers 426, and unknown paths 404',
    async (target) => {
      const res = await fetch(`${target.url}/ws/echo/a`)
      assert.equal(res.status, 426)
      assert.equal((await res.json()).code, 'WEFT_UPGRADE_REQUIRED')
      assert.equal((await refusal(target, '/ws/nowhere')).status, 404)
    },
  ],
  [
    'the origin is checked: a foreign browser origin is refused 403, the own host and listed origins pass',
    async (target) => {
      const host = new URL(target.url).host
      const foreign = await refusal(target, '/ws/echo/a', { origin: 'https://evil.example' })
      assert.equal(foreign.status, 403)
      assert.equal(JSON.parse(foreign.body).code, 'WEFT_ORIGIN_FORBIDDEN')
      assert.equal((await refusal(target, '/ws/echo/a', { origin: `http://${host}` })).status, 101)
      assert.equal((await refusal(target, '/ws/partners', { origin: 'https://partner.example' })).status, 101)
      assert.equal((await refusal(target, '/ws/partners', { origin: `http://${host}` })).status, 403)
    },
  ],
  [
    'a message past 1 MiB closes with 1009',
    async (target) => {
      const ws = await openSocket(target, '/ws/echo/big')
      await ws.next()
      ws.socket.send('a'.repeat(1024 * 1024 + 1))
      assert.equal((await within(ws.closed, 5000, 'close')).code, 1009)
    },
  ],
  [
    'binary frames close with 1003 unless the route asks for them',
    async (target) => {
      const ws = await openSocket(target, '/ws/echo/bin')
      await ws.next()
      ws.socket.send(Buffer.from([1, 2, 3]))
      assert.equal((await within(ws.closed, 5000, 'close')).code, 1003)
      const binary = await openSocket(target, '/ws/binary')
      binary.socket.send(Buffer.from([1, 2, 3]))
      assert.equal(await binary.next(), 'binary:010203')
      binary.socket.close()
    },
  ],
  [
    'invalid UTF-8 in a text frame closes with 1007',
    async (target) => {
      const ws = await openSocket(target, '/ws/echo/utf')
      await ws.next()
      ws.socket.send(Buffer.from([0x68, 0xff, 0xfe, 0x69]), { binary: false })
      // Deno drops such a connection before Weft sees the frame: no close frame, 1006.
      const expected = target.runtime === 'deno' ? 1006 : 1007
      assert.equal((await within(ws.closed, 5000, 'close')).code, expected)
    },
  ],
  [
    'a consumer that stops reading is closed with 4008 once its send buffer passes 1 MiB',
    async (target) => {
      const ws = await openSocket(target, '/ws/echo/slow')
      await ws.next()
      const raw = (ws.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket
      raw.pause()
      ws.socket.send('flood')
      // The server floods synchronously; a short pause is enough for its buffer to pass the
      // limit, and a long one lets Bun give up on the close handshake (1006).
      await new Promise((resolve) => setTimeout(resolve, 300))
      raw.resume()
      assert.equal((await within(ws.closed, 10_000, 'close')).code, 4008)
    },
  ],
  [
    'a dead peer (no pongs) is dropped after the idle timeout',
    async (target) => {
      const ws = await openSocket(target, '/ws/idle', { autoPong: false })
      assert.equal(await ws.next(), 'ready')
      const started = Date.now()
      await within(ws.closed, 15_000, 'drop of the silent peer')
      assert.ok(Date.now() - started < 15_000)
    },
  ],
  [
    'a peer that answers pings stays connected past the idle timeout',
    async (target) => {
      const ws = await openSocket(target, '/ws/idle')
      assert.equal(await ws.next(), 'ready')
      const state = await Promise.race([
        ws.closed.then(() => 'closed'),
        new Promise((resolve) => setTimeout(() => resolve('open'), 3500)),
      ])
      assert.equal(state, 'open')
      ws.socket.close()
    },
  ],
  [
    'connections per IP are limited: past the limit the upgrade is answered 429',
    async (target) => {
      // From an address of its own: sockets other cases left closing do not count.
      const alone = { localAddress: '127.0.0.3' }
      const first = await openSocket(target, '/ws/limited', alone)
      const second = await openSocket(target, '/ws/limited', alone)
      const third = await refusal(target, '/ws/limited', alone)
      assert.equal(third.status, 429)
      assert.equal(JSON.parse(third.body).code, 'WEFT_TOO_MANY_CONNECTIONS')
      first.socket.close()
      await first.closed
      // The server may see the close a moment after the client does.
      let again = await refusal(target, '/ws/limited', alone)
      for (let i = 0; i < 20 && again.status === 429; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        again = await refusal(target, '/ws/limited', alone)
      }
      assert.equal(again.status, 101, 'a slot is free again once a socket closed')
      second.socket.close()
      await second.closed
    },
  ],
  [
    'upgrades racing each other cannot pass the connections-per-IP limit together',
    async (target) => {
      const alone = { localAddress: '127.0.0.4' }
      // Every earlier socket of this address must be gone on the server's side first.
      for (let i = 0; i < 40 && (await refusal(target, '/ws/limited', alone)).status !== 101; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
      const attempts = await Promise.all(
        [1, 2, 3, 4, 5].map(() => openSocket(target, '/ws/limited', alone).catch((e) => e)),
      )
      const opened = attempts.filter((a) => !(a instanceof Error))
      const refused = attempts.filter((a) => a instanceof Error).map((e) => (e as { status?: number }).status)
      assert.equal(opened.length, 2)
      assert.deepEqual(refused, [429, 429, 429])
      for (const ws of opened) ws.socket.close()
      await Promise.all(opened.map((ws) => ws.closed))
    },
  ],
  [
    'the server closes with the code and reason it chose',
    async (target) => {
      const ws = await openSocket(target, '/ws/echo/bye')
      await ws.next()
      ws.socket.send('close-me')
      assert.deepEqual(await within(ws.closed, 5000, 'close'), { code: 4100, reason: 'asked to' })
    },
  ],
  [
    'messages sent to a socket in one turn reach it whole and in order (on Node, in a few writes)',
    async (target) => {
      const sender = await openSocket(target, '/ws/relay')
      const receiver = await openSocket(target, '/ws/relay')
      await sender.next()
      await receiver.next()
      const before = target.runtime.startsWith('node') ? writeCalls(target) : null
      sender.socket.send('go')
      const received: string[] = []
      for (let i = 0; i < 200; i++) received.push(await within(receiver.next(), 5000, `message ${i}`))
      assert.deepEqual(
        received,
        Array.from({ length: 200 }, (_, i) => `burst ${i}`),
      )
      // Node's writes are counted in /proc; Bun's are send() calls, which are not (its
      // batching is checked in test/adapters/bun-websocket-batching.test.ts); Deno has no corking.
      if (target.runtime.startsWith('node') && before !== null) {
        const writes = (writeCalls(target) ?? 0) - before
        assert.ok(writes < 40, `${writes} write calls for 200 messages: one each, not batched`)
      }
      sender.socket.close()
      receiver.socket.close()
      await Promise.all([sender.closed, receiver.closed])
    },
  ],
  [
    'a close right after a burst sends the burst first',
    async (target) => {
      const ws = await openSocket(target, '/ws/echo/burst-close')
      await ws.next()
      const received: string[] = []
      ws.socket.on('message', (data) => received.push(String(data)))
      ws.socket.send('burst-close')
      assert.deepEqual(await within(ws.closed, 5000, 'close'), { code: 4100, reason: 'asked to' })
      assert.deepEqual(
        received,
        Array.from({ length: 50 }, (_, i) => `burst ${i}`),
      )
    },
  ],
]

/**
 * The write system calls the server process has made so far, from /proc (Linux). Elsewhere
 * null, said loudly, and a failure under CI=true.
 */
function writeCalls(target: Target): number | null {
  const file = `/proc/${target.pid}/io`
  if (target.pid === undefined || !existsSync(file)) {
    assert.notEqual(process.env.CI, 'true', `${file} is required under CI=true`)
    console.warn(`\n!!! NOT COUNTING write calls: no ${file} on this system (Linux only)\n`)
    return null
  }
  return Number(/syscw:\s*(\d+)/.exec(readFileSync(file, 'utf8'))?.[1])
}
