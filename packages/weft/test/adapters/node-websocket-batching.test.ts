import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'
import WebSocket from 'ws'
import { withServer } from '../helpers/server.ts'

// The write system calls this process has made (Linux counts them in /proc/self/io).
const PROC_IO = '/proc/self/io'
const counted = existsSync(PROC_IO)
const writeCalls = () => Number(/syscw:\s*(\d+)/.exec(readFileSync(PROC_IO, 'utf8'))?.[1])

function skipWithoutProc(): string | false {
  if (counted || process.env.CI === 'true') return false
  console.warn(`\n!!! SKIPPING the write-count test: no ${PROC_IO} on this system (Linux only)\n`)
  return `no ${PROC_IO}`
}

/** Opens a socket to `url` and collects its text messages until it closes. */
async function open(url: string) {
  const socket = new WebSocket(url)
  const messages: string[] = []
  socket.on('message', (data) => messages.push(String(data)))
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)))
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  return { socket, messages, closed }
}

describe('WebSockets on Node: sends batched per turn of the event loop', () => {
  test('messages sent to one socket in one turn leave in a few writes, in order', {
    skip: skipWithoutProc(),
  }, async () => {
    assert.ok(counted, `${PROC_IO} is required under CI=true`)
    const app = weft({ logger: false })
    app.ws('/burst', {
      message(socket) {
        for (let i = 0; i < 200; i++) socket.send(`m${i}`)
      },
    })
    await withServer(app, async (server) => {
      const client = await open(`${server.url.replace('http', 'ws')}/burst`)
      const before = writeCalls()
      client.socket.send('go')
      while (client.messages.length < 200)
        await new Promise((resolve) => client.socket.once('message', resolve))
      const writes = writeCalls() - before
      assert.deepEqual(
        client.messages,
        Array.from({ length: 200 }, (_, i) => `m${i}`),
      )
      // One write per message would be 200 (plus the client's one); batched, a handful.
      assert.ok(writes < 20, `${writes} write calls for 200 messages`)
      client.socket.close()
      await client.closed
    })
  })

  test('a close right after a burst still delivers the burst first', async () => {
    const app = weft({ logger: false })
    app.ws('/bye', {
      message(socket) {
        for (let i = 0; i < 50; i++) socket.send(`m${i}`)
        socket.close(4000, 'done')
      },
    })
    await withServer(app, async (server) => {
      const client = await open(`${server.url.replace('http', 'ws')}/bye`)
      client.socket.send('go')
      assert.equal(await client.closed, 4000)
      assert.deepEqual(
        client.messages,
        Array.from({ length: 50 }, (_, i) => `m${i}`),
      )
    })
  })
})
