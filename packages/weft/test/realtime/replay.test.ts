import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { realtimeClient } from 'weftjs/client'
import { MemoryHub, memoryBroker, realtime } from 'weftjs/realtime'
import { eventually, rawClient, serveLive } from './helpers.ts'

const makeLive = (options: Parameters<typeof realtime>[0] = {}) =>
  realtime({ logger: false, ...options }).channel('feed/:id', {})

describe('channel replay: a client that rejoins gets what it missed, or is told to resync', () => {
  test('rejoining with since replays the missed messages in order, then live ones, nothing doubled', async () => {
    const live = makeLive()
    const served = await serveLive(live)
    try {
      const first = await rawClient(served.url)
      first.send({ msg: 'join', id: '1', channel: 'feed/a' })
      const joined = await first.next('joined')
      for (const n of [1, 2]) await live.broadcast('feed/a', { n })
      await first.next('message', (f) => f.seq === 2)
      first.socket.terminate()
      await first.closed
      // Sent while nobody is subscribed: the channel keeps numbering for the window.
      for (const n of [3, 4, 5]) await live.broadcast('feed/a', { n })

      const again = await rawClient(served.url)
      again.send({ msg: 'join', id: '1', channel: 'feed/a', since: { epoch: joined.epoch, seq: 2 } })
      const rejoined = await again.next('joined')
      assert.deepEqual([rejoined.epoch, rejoined.seq], [joined.epoch, 2])
      await live.broadcast('feed/a', { n: 6 })
      await again.next('message', (f) => f.seq === 6)
      const seen = again.frames.filter((f) => f.msg === 'message').map((f) => [f.seq, f.data.n])
      assert.deepEqual(seen, [
        [3, 3],
        [4, 4],
        [5, 5],
      ])
      assert.equal(
        again.frames.some((f) => f.msg === 'resync'),
        false,
      )
      again.socket.close()
    } finally {
      await served.close()
    }
  })

  test('past a bound, an unknown epoch, or a position the channel never reached: resync', async () => {
    const live = makeLive({ replay: { messages: 2 } })
    const served = await serveLive(live)
    try {
      const client = await rawClient(served.url)
      client.send({ msg: 'join', id: '1', channel: 'feed/b' })
      const { epoch } = await client.next('joined')
      for (const n of [1, 2, 3, 4]) await live.broadcast('feed/b', { n })
      await client.next('message', (f) => f.seq === 4)

      const cases = [
        { epoch, seq: 1 }, // messages 2..4 wanted, only 3..4 kept
        { epoch: 'another', seq: 4 },
        { epoch, seq: 9 },
      ]
      for (const since of cases) {
        const again = await rawClient(served.url)
        again.send({ msg: 'join', id: '1', channel: 'feed/b', since })
        assert.deepEqual((await again.next('joined')).seq, 4, JSON.stringify(since))
        assert.deepEqual(await again.next('resync'), { msg: 'resync', channel: 'feed/b', epoch, seq: 4 })
        again.socket.close()
      }
      const kept = await rawClient(served.url)
      kept.send({ msg: 'join', id: '1', channel: 'feed/b', since: { epoch, seq: 2 } })
      await kept.next('message', (f) => f.seq === 4)
      assert.deepEqual(
        kept.frames.filter((f) => f.msg !== 'joined').map((f) => f.seq),
        [3],
        'within the bound it replays',
      )
      kept.socket.close()
      client.socket.close()
    } finally {
      await served.close()
    }
  })

  test('past the window in time: resync', async () => {
    const live = makeLive({ replay: { window: 150 } })
    const served = await serveLive(live)
    try {
      const stays = await rawClient(served.url)
      stays.send({ msg: 'join', id: '1', channel: 'feed/c' })
      const { epoch } = await stays.next('joined')
      await live.broadcast('feed/c', { n: 1 })
      await stays.next('message')
      // The window is what is tested: only time passing can show it.
      await new Promise((resolve) => setTimeout(resolve, 250))
      const again = await rawClient(served.url)
      again.send({ msg: 'join', id: '1', channel: 'feed/c', since: { epoch, seq: 0 } })
      await again.next('resync')
      again.socket.close()
      stays.socket.close()
    } finally {
      await served.close()
    }
  })

  test('a malformed since answers a 400 error frame; the socket stays open', async () => {
    const served = await serveLive(makeLive())
    try {
      const client = await rawClient(served.url)
      client.send({ msg: 'join', id: '1', channel: 'feed/d', since: { epoch: 'x', seq: -1 } })
      const error = await client.next('error')
      assert.deepEqual([error.status, error.code, error.id], [400, 'WEFT_BAD_FRAME', '1'])
      client.send({ msg: 'join', id: '2', channel: 'feed/d' })
      await client.next('joined')
      client.socket.close()
    } finally {
      await served.close()
    }
  })

  test('memory stays within the count and byte bounds, whatever is sent', async () => {
    const live = makeLive({ replay: { messages: 100, bytes: 20_000 } })
    const served = await serveLive(live)
    try {
      const client = await rawClient(served.url)
      client.send({ msg: 'join', id: '1', channel: 'feed/e' })
      await client.next('joined')
      const text = 'x'.repeat(1000)
      for (let n = 0; n < 500; n++) {
        await live.broadcast('feed/e', { text })
        const held = live.topic('feed/e')!.held
        assert.ok(held.bytes <= 20_000 && held.messages <= 100, JSON.stringify(held))
      }
      assert.ok(live.topic('feed/e')!.held.messages >= 18, 'the newest messages are kept')
      const small = makeLive({ replay: { messages: 10 } })
      const smallServed = await serveLive(small)
      const other = await rawClient(smallServed.url)
      other.send({ msg: 'join', id: '1', channel: 'feed/e' })
      await other.next('joined')
      for (let n = 0; n < 100; n++) await small.broadcast('feed/e', { n })
      assert.equal(small.topic('feed/e')!.held.messages, 10)
      other.socket.close()
      client.socket.close()
      await smallServed.close()
    } finally {
      await served.close()
    }
  })

  test('the client sends since on reconnect by itself and delivers each missed message once', async () => {
    const live = makeLive()
    const served = await serveLive(live)
    // The reconnect waits at least 150 ms: time for the messages below to be sent while away.
    const rt = realtimeClient<typeof live>(served.url, { reconnect: { min: 300, max: 300 } })
    try {
      const room = rt.join('feed/f')
      const received: number[] = []
      room.on('message', (data) => received.push((data as { n: number }).n))
      let resyncs = 0
      room.on('resync', () => resyncs++)
      await room.joined
      await live.broadcast('feed/f', { n: 1 })
      await eventually(() => received.length === 1, 'the first message')
      const session = rt.session
      const [conn] = live.topic('feed/f')!.subscribers
      conn!.socket.close(1011, 'test')
      await eventually(
        () => rt.state === 'reconnecting' && live.topic('feed/f')!.subscribers.size === 0,
        'the client is away',
      )
      for (const n of [2, 3, 4]) await live.broadcast('feed/f', { n })
      await eventually(() => rt.session !== session && rt.state === 'open', 'the client is back')
      await live.broadcast('feed/f', { n: 5 })
      await eventually(() => received.length >= 5, 'the missed and the new messages')
      assert.deepEqual(received, [1, 2, 3, 4, 5])
      assert.equal(resyncs, 0)
    } finally {
      rt.close()
      await served.close()
    }
  })

  test('on another instance the epoch is unknown: the client emits resync so the app refetches', async () => {
    const hub = new MemoryHub()
    const liveA = makeLive({ broker: memoryBroker(hub) })
    const a = await serveLive(liveA)
    const port = a.server.port
    const rt = realtimeClient<typeof liveA>(a.url, { reconnect: { min: 20, max: 50 } })
    try {
      const room = rt.join('feed/g')
      const resyncs: string[] = []
      rt.on('resync', (channel) => resyncs.push(channel))
      let roomResyncs = 0
      room.on('resync', () => roomResyncs++)
      await room.joined
      await a.close()
      // The same address now serves another instance, which never numbered this channel.
      const moved = await serveLive(makeLive({ broker: memoryBroker(hub) }), port)
      await eventually(() => resyncs.length === 1, 'a resync event')
      assert.deepEqual(resyncs, ['feed/g'])
      assert.equal(roomResyncs, 1)
      await moved.close()
    } finally {
      rt.close()
    }
  })
})
