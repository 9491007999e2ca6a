import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type ConnectionState, realtimeClient } from 'weftjs/client'
import { realtime } from 'weftjs/realtime'
import { WebSocket } from 'ws'
import { z } from 'zod'
import { eventually, serveLive } from '../realtime/helpers.ts'

const makeLive = () =>
  realtime({ logger: false }).channel('room/:id', { presence: true, message: z.object({ n: z.number() }) })

describe('the realtime client', () => {
  test('reconnects after the server went away, rejoins, and sends what was buffered offline', async () => {
    let served = await serveLive(makeLive())
    const port = served.server.port
    const states: ConnectionState[] = []
    const rt = realtimeClient<ReturnType<typeof makeLive>>(served.url, {
      reconnect: { min: 50, max: 200 },
      sendBuffer: 3,
    })
    rt.on('state', (state) => states.push(state))
    const room = rt.join('room/1')
    await room.joined
    const firstSession = rt.session
    await served.close()
    await eventually(() => rt.state === 'reconnecting', 'the client notices the server left')
    assert.equal(room.send({ n: 1 }), true)
    assert.equal(room.send({ n: 2 }), true)
    assert.equal(room.send({ n: 3 }), true)
    assert.equal(room.send({ n: 4 }), false, 'the offline buffer is bounded')

    served = await serveLive(makeLive(), port)
    const other = realtimeClient<ReturnType<typeof makeLive>>(served.url)
    try {
      const otherRoom = other.join('room/1')
      await otherRoom.joined
      const received: number[] = []
      otherRoom.on('message', (data) => received.push(data.n))
      // The other client may join after the buffer was flushed; then it sees the rejoin only.
      await eventually(
        () => rt.state === 'open' && rt.session !== firstSession,
        'reconnected with a new session',
      )
      await eventually(() => otherRoom.presence[rt.session], 'the reconnected client rejoined its channel')
      room.send({ n: 5 })
      await eventually(() => received.includes(5), 'messages flow after the reconnect')
      assert.deepEqual(states.slice(0, 3), ['open', 'reconnecting', 'open'])
    } finally {
      rt.close()
      other.close()
      await served.close()
    }
  })

  test('what was buffered offline arrives, in order, once reconnected', async () => {
    let served = await serveLive(makeLive())
    const port = served.server.port
    const watcherServed = served
    const rt = realtimeClient(served.url, { reconnect: { min: 1500, max: 1500 } })
    const room = rt.join('room/2')
    await room.joined
    await watcherServed.close()
    await eventually(() => rt.state === 'reconnecting', 'offline')
    for (const n of [1, 2, 3]) room.send({ n })
    served = await serveLive(makeLive(), port)
    const watcher = realtimeClient(served.url)
    try {
      const watched = watcher.join('room/2')
      const received: unknown[] = []
      watched.on('message', (data) => received.push(data))
      await watched.joined
      await eventually(() => received.length === 3, 'the three buffered messages', 5000)
      assert.deepEqual(received, [{ n: 1 }, { n: 2 }, { n: 3 }])
    } finally {
      rt.close()
      watcher.close()
      await served.close()
    }
  })

  test('takes a WebSocket implementation, and with reconnect: false stays closed', async () => {
    const served = await serveLive(makeLive())
    const rt = realtimeClient(served.url, { WebSocket: WebSocket as never, reconnect: false })
    await rt.join('room/3').joined
    await served.close()
    await eventually(() => rt.state === 'closed', 'closed for good')
  })
})
