import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Redis } from 'ioredis'
import * as nats from 'nats'
import { connect, nanos } from 'nats'
import { realtimeClient } from 'weftjs/client'
import { type RealtimeOptions, realtime } from 'weftjs/realtime'
import { natsLog } from '../../src/realtime/brokers/nats-log.ts'
import { type BrokerServer, eachBroker, startBrokerServer } from './broker-servers.ts'
import { eventually, rawClient, serveLive } from './helpers.ts'

// The replay window shared through the broker: a client that saw messages on one instance
// rejoins another and gets exactly what it missed, numbered the same everywhere.

for (const { kind, skip } of eachBroker('replay tests')) {
  describe(`replay across instances through ${kind}`, { skip }, () => {
    let server: BrokerServer
    let runs = 0
    before(async () => {
      server = await startBrokerServer(kind)
    })
    after(() => server?.stop())

    /** Two instances behind the broker, in a namespace of their own. */
    async function pair(replay: RealtimeOptions<unknown>['replay'] = {}) {
      const namespace = `replay${++runs}`
      const make = () =>
        realtime({ logger: false, broker: server.url, namespace, replay }).channel('feed/:id', {})
      const liveA = make()
      const liveB = make()
      await Promise.all([liveA.ready(), liveB.ready()])
      const a = await serveLive(liveA)
      const b = await serveLive(liveB)
      return { liveA, liveB, a, b, namespace, make, close: () => Promise.allSettled([a.close(), b.close()]) }
    }

    test('a client that rejoins on the other instance gets what it missed, in order, once', async () => {
      const { liveA, liveB, a, b, close } = await pair()
      try {
        const onA = await rawClient(a.url)
        onA.send({ msg: 'join', id: '1', channel: 'feed/x' })
        const joined = await onA.next('joined')
        const onB = await rawClient(b.url)
        onB.send({ msg: 'join', id: '1', channel: 'feed/x' })
        assert.deepEqual((await onB.next('joined')).epoch, joined.epoch, 'one numbering everywhere')
        await liveB.broadcast('feed/x', { n: 1 })
        await liveA.broadcast('feed/x', { n: 2 })
        // One after the other: next() takes the first frame that arrived.
        const seen = []
        for (const f of [await onA.next('message'), await onA.next('message')]) seen.push([f.seq, f.data.n])
        assert.deepEqual(seen, [
          [joined.seq + 1, 1],
          [joined.seq + 2, 2],
        ])
        onA.socket.terminate()
        for (const n of [3, 4, 5]) await liveA.broadcast('feed/x', { n })
        await onB.next('message', (f) => f.data.n === 5)

        const resumed = await rawClient(b.url)
        const since = { epoch: joined.epoch, seq: joined.seq + 2 }
        resumed.send({ msg: 'join', id: '1', channel: 'feed/x', since })
        assert.equal((await resumed.next('joined')).seq, since.seq)
        await liveA.broadcast('feed/x', { n: 6 })
        await resumed.next('message', (f) => f.data.n === 6)
        const got = resumed.frames.filter((f) => f.msg === 'message').map((f) => f.data.n)
        assert.deepEqual(got, [3, 4, 5])
        assert.equal(
          resumed.frames.some((f) => f.msg === 'resync'),
          false,
        )
        resumed.socket.close()
        onB.socket.close()
      } finally {
        await close()
      }
    })

    test('broadcasts awaited in turn from two instances arrive in that order on both', async () => {
      const { liveA, liveB, a, b, close } = await pair()
      try {
        const clients = [await rawClient(a.url), await rawClient(b.url)]
        for (const client of clients) {
          client.send({ msg: 'join', id: '1', channel: 'feed/order' })
          await client.next('joined')
        }
        const sent = Array.from({ length: 40 }, (_, n) => n)
        for (const n of sent) await (n % 2 ? liveB : liveA).broadcast('feed/order', { n })
        for (const client of clients) {
          const messages = () => client.frames.filter((f) => f.msg === 'message').map((f) => f.data.n)
          await eventually(() => messages().length >= sent.length, 'every message')
          assert.deepEqual(messages(), sent)
          client.socket.close()
        }
      } finally {
        await close()
      }
    })

    test('an instance that never had the channel reads the missed messages from the broker', async () => {
      const { liveA, a, close, make } = await pair()
      const rt = realtimeClient<typeof liveA>(a.url, { reconnect: { min: 300, max: 300 } })
      try {
        const room = rt.join('feed/y')
        const received: number[] = []
        room.on('message', (data) => received.push((data as { n: number }).n))
        let resyncs = 0
        room.on('resync', () => resyncs++)
        await room.joined
        await liveA.broadcast('feed/y', { n: 1 })
        await eventually(() => received.length === 1, 'the first message')
        const port = a.server.port
        await a.close()
        await eventually(() => rt.state === 'reconnecting', 'the client lost its instance')
        const sender = make()
        await sender.ready()
        for (const n of [2, 3]) await sender.broadcast('feed/y', { n })
        // A new instance at the same address: it has never numbered or seen this channel.
        const fresh = await serveLive(make(), port)
        try {
          await eventually(() => rt.state === 'open', 'the client is back')
          await sender.broadcast('feed/y', { n: 4 })
          await eventually(() => received.length >= 4, 'the missed and the new messages')
          assert.deepEqual(received, [1, 2, 3, 4])
          assert.equal(resyncs, 0)
        } finally {
          await fresh.close()
          await sender.shutdown()
        }
      } finally {
        rt.close()
        await close()
      }
    })

    test('past the shared bound: resync on any instance', async () => {
      const { liveA, a, b, close } = await pair({ messages: 2 })
      try {
        const onA = await rawClient(a.url)
        onA.send({ msg: 'join', id: '1', channel: 'feed/z' })
        const joined = await onA.next('joined')
        for (const n of [1, 2, 3, 4]) await liveA.broadcast('feed/z', { n })
        await onA.next('message', (f) => f.data.n === 4)
        const onB = await rawClient(b.url)
        onB.send({
          msg: 'join',
          id: '1',
          channel: 'feed/z',
          since: { epoch: joined.epoch, seq: joined.seq + 1 },
        })
        const resync = await onB.next('resync')
        assert.equal(resync.seq, joined.seq + 4)
        onB.socket.close()
        onA.socket.close()
      } finally {
        await close()
      }
    })

    test('the broker holds at most the bound per channel', async () => {
      const { liveA, a, close, namespace } = await pair({ messages: 50 })
      try {
        const onA = await rawClient(a.url)
        onA.send({ msg: 'join', id: '1', channel: 'feed/m' })
        await onA.next('joined')
        for (let n = 1; n <= 300; n++) await liveA.broadcast('feed/m', { n })
        await onA.next('message', (f) => f.data.n === 300)
        await held(namespace, 50)
        onA.socket.close()
      } finally {
        await close()
      }
    })

    /** What the broker holds for the channel: the bound, and gone after the window. */
    async function held(namespace: string, bound: number) {
      if (kind === 'redis') {
        const redis = new Redis(server.url)
        assert.equal(await redis.xlen(`${namespace}:log:{feed/m}`), bound)
        const ttl = await redis.pttl(`${namespace}:log:{feed/m}`)
        assert.ok(ttl > 0 && ttl <= 120_000, `the stream expires with the window (${ttl} ms)`)
        redis.disconnect()
        return
      }
      const nc = await connect({ servers: server.url.replace('nats://', '') })
      const info = await (await nc.jetstreamManager()).streams.info(`${namespace}_replay`)
      assert.equal(info.state.messages, bound)
      assert.equal(info.config.max_age, nanos(120_000), 'messages leave with the window')
      await nc.close()
    }
  })
}

// Instances that start together create the JetStream log together. The stream's creation
// time names the numbering, and the server lists a stream it is creating before it sets that
// time: an instance that reads it then gets Go's zero time and, unless it reads again, numbers
// in an epoch of its own. Eight instances at once, many times, to meet that moment.
for (const { kind, skip } of eachBroker('the log creation race').filter((b) => b.kind === 'nats')) {
  describe(`replay log created by eight ${kind} instances at once`, { skip }, () => {
    let server: BrokerServer
    before(async () => {
      server = await startBrokerServer(kind)
    })
    after(() => server?.stop())

    test('all name the same epoch, however the creations interleave', async () => {
      const servers = server.url.replace('nats://', '')
      const connections = await Promise.all(Array.from({ length: 8 }, () => connect({ servers })))
      const options = { window: 60_000, messages: 10 }
      try {
        for (let round = 0; round < 1000; round++) {
          const namespace = `race${round}`
          const logs = await Promise.all(
            connections.map((nc) => natsLog(nats, nc, options, namespace, () => true)),
          )
          const epochs = await Promise.all(logs.map(async (log) => (await log!.position('c')).epoch))
          assert.equal(new Set(epochs).size, 1, `round ${round}: one numbering for all (${epochs})`)
          assert.match(epochs[0]!, /^js[0-9a-z]+$/, 'an epoch from a real creation time')
          await (await connections[0]!.jetstreamManager()).streams.delete(`${namespace}_replay`)
        }
      } finally {
        await Promise.all(connections.map((nc) => nc.close()))
      }
    })
  })
}
