// Bun's sends are socket send() calls, which /proc does not count (the conformance case
// counts Node's writes there): so the Bun adapter is driven here through the handlers it
// gives Bun.serve, with sockets that record what Bun would be asked to do.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type WeftSocket, weft } from 'weftjs'
import { type BunServerWebSocket, bunWebSockets } from '../../src/adapters/bun/websocket.ts'

/** What one socket was asked: each send, and which of them came inside one cork. */
interface Recorded {
  raw: BunServerWebSocket
  writes: string[][]
  closed: number | null
}

function recordingSocket(data: unknown): Recorded {
  const record: Recorded = { raw: undefined as never, writes: [], closed: null }
  let batch: string[] | null = null
  record.raw = {
    data: data as BunServerWebSocket['data'],
    readyState: 1,
    send(message) {
      if (batch) batch.push(String(message))
      else record.writes.push([String(message)])
      return 1
    },
    cork(callback) {
      batch = []
      callback()
      record.writes.push(batch)
      batch = null
    },
    close(code) {
      record.closed = code ?? 1000
    },
    terminate() {},
    getBufferedAmount: () => 0,
  }
  return record
}

/** A relay route served by the Bun adapter, and a way to open recorded sockets on it. */
function relay() {
  const app = weft({ logger: false })
  const members = new Set<WeftSocket<unknown>>()
  app.ws('/relay', {
    open: (socket) => void members.add(socket),
    message(socket, text) {
      if (text === 'bye') {
        for (let i = 0; i < 3; i++) socket.send(`last ${i}`)
        return socket.close(4100, 'asked to')
      }
      for (const other of members) if (other !== socket) for (let i = 0; i < 100; i++) other.send(`m${i}`)
    },
  })
  const bun = bunWebSockets(app, () => new Response('not found', { status: 404 }))
  const open = async (): Promise<Recorded> => {
    let data: unknown
    const upgrader = {
      upgrade: (_request: Request, options: { data: unknown }) => {
        data = options.data
        return true
      },
      requestIP: () => ({ address: '127.0.0.1' }),
    }
    const request = new Request('http://localhost/relay', {
      headers: { upgrade: 'websocket', connection: 'upgrade' },
    })
    assert.equal(await bun.fetch(request, upgrader), undefined, 'the upgrade was accepted')
    const socket = recordingSocket(data)
    bun.websocket.open(socket.raw)
    return socket
  }
  return { open, websocket: bun.websocket }
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('WebSockets on Bun: sends batched per turn of the event loop', () => {
  test("a turn's messages to a socket reach Bun in one cork, in order", async () => {
    const { open, websocket } = await relay()
    const sender = await open()
    const receiver = await open()
    websocket.message(sender.raw, 'one')
    websocket.message(sender.raw, 'two')
    assert.deepEqual(receiver.writes, [], 'nothing is handed to Bun before the turn ends')
    await turn()
    const expected = Array.from({ length: 100 }, (_, i) => `m${i}`)
    assert.deepEqual(receiver.writes, [[...expected, ...expected]])
  })

  test('close() hands the held messages to Bun before the close', async () => {
    const { open, websocket } = await relay()
    const socket = await open()
    websocket.message(socket.raw, 'bye')
    assert.deepEqual(socket.writes, [['last 0', 'last 1', 'last 2']])
    assert.equal(socket.closed, 4100)
    await turn()
    assert.equal(socket.writes.length, 1, 'nothing is sent twice')
  })
})
