// Node's heartbeat pings each socket once per idle timeout, spread through the interval:
// sockets opened together are not all pinged in the same turn. (That a silent peer is
// dropped and an answering one kept is a conformance case on every runtime.)
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { weft } from 'weftjs'
import WebSocket from 'ws'
import { withServer } from '../helpers/server.ts'

const IDLE_MS = 1000
const SOCKETS = 8

/** Opens a socket and records when each ping reached it, ms after it opened. */
function openRecording(url: string): Promise<{ pings: number[]; socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    const pings: number[] = []
    socket.once('error', reject)
    socket.once('open', () => {
      const opened = Date.now()
      socket.on('ping', () => pings.push(Date.now() - opened))
      resolve({ pings, socket })
    })
  })
}

test('sockets opened together are pinged at different moments, each once per idle timeout', async () => {
  const app = weft({ logger: false }).ws('/ws', { limits: { idleTimeout: IDLE_MS } })
  await withServer(app, async (server) => {
    const url = `ws://127.0.0.1:${server.port}/ws`
    const sockets = await Promise.all(Array.from({ length: SOCKETS }, () => openRecording(url)))
    // Until every socket has two pings: a fixed wait of 2.5 timeouts left one socket with
    // a single ping when a busy machine held the timer back (server and client share it).
    const deadline = Date.now() + 6 * IDLE_MS
    while (sockets.some(({ pings }) => pings.length < 2) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50))
    for (const { socket } of sockets) socket.close()

    for (const { pings } of sockets) {
      assert.ok(pings.length >= 2, `each socket is pinged every ${IDLE_MS} ms (got ${pings})`)
      assert.ok(pings[0]! <= IDLE_MS + 200, `the first ping comes within the idle timeout (${pings[0]} ms)`)
      // Once per timeout, not once per two: up to 0.8 of one late where the machine was busy.
      const gap = pings[1]! - pings[0]!
      assert.ok(gap > 0.7 * IDLE_MS && gap < 1.8 * IDLE_MS, `pings come once per idle timeout (${gap} ms)`)
    }
    const firsts = sockets.map(({ pings }) => pings[0]!)
    const spread = Math.max(...firsts) - Math.min(...firsts)
    assert.ok(spread >= IDLE_MS / 2, `the first pings spread over the interval (${firsts.join(', ')} ms)`)
  })
})
