import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { realtimeClient } from 'weftjs/client'
import { type Broker, MemoryHub, memoryBroker, realtime } from 'weftjs/realtime'
import { z } from 'zod'
import { brokerBinary, eachBroker, startBrokerServer } from './broker-servers.ts'
import { eventually, type Served, serveLive } from './helpers.ts'

const here = dirname(fileURLToPath(import.meta.url))

function recordingLogger() {
  const lines: { level: string; message?: string }[] = []
  const log = (level: string) => (_fields: object, message?: string) => lines.push({ level, message })
  return { lines, logger: { error: log('error'), warn: log('warn'), info: log('info') } }
}

function instance(
  broker: string | Broker,
  logger: ReturnType<typeof recordingLogger>['logger'] | false = false,
) {
  return realtime<{ id: string }>({
    logger,
    broker,
    presence: { interval: 200, timeout: 1500 },
    authenticate: (_ctx, token) => (token ? { id: token } : null),
  }).channel('room/:name', { presence: true, message: z.object({ text: z.string() }) })
}

/** Two instances behind one broker: each client sees the other's presence and messages. */
async function crossInstance(a: Served, b: Served, channel: `room/${string}`) {
  const ada = realtimeClient(a.url, { token: 'ada' })
  const bob = realtimeClient(b.url, { token: 'bob' })
  const adaRoom = ada.join(channel)
  const bobRoom = bob.join(channel)
  await Promise.all([adaRoom.joined, bobRoom.joined])
  const heard: unknown[] = []
  adaRoom.on('message', (data) => heard.push(data))
  return { ada, bob, adaRoom, bobRoom, heard }
}

describe('brokers: instances behind one broker', () => {
  test('in-process hub: broadcasts and presence cross instances; a shut-down instance’s members leave', async () => {
    const hub = new MemoryHub()
    const a = await serveLive(instance(memoryBroker(hub)))
    const liveB = instance(memoryBroker(hub))
    const b = await serveLive(liveB)
    const { ada, bob, adaRoom, heard } = await crossInstance(a, b, 'room/hub')
    try {
      await eventually(() => adaRoom.presence.bob, 'bob (on B) present for ada (on A)')
      await liveB.broadcast('room/hub', { text: 'from B' })
      await eventually(() => heard.length === 1, 'the broadcast on B reaches A')
      assert.deepEqual(heard, [{ text: 'from B' }])
      await b.close()
      await eventually(() => !adaRoom.presence.bob, 'B said goodbye: bob left')
    } finally {
      ada.close()
      bob.close()
      await a.close()
    }
  })

  for (const { kind, skip } of eachBroker('broker tests')) {
    test(`${kind}: messages and presence cross instances; an outage keeps local service, logs once, and heals`, {
      skip,
    }, async () => {
      const server = await startBrokerServer(kind)
      const logA = recordingLogger()
      const liveA = instance(server.url, logA.logger)
      const liveB = instance(server.url)
      await Promise.all([liveA.ready(), liveB.ready()])
      const a = await serveLive(liveA)
      const b = await serveLive(liveB)
      const { ada, bob, adaRoom, bobRoom, heard } = await crossInstance(a, b, 'room/x')
      try {
        await eventually(() => adaRoom.presence.bob && bobRoom.presence.ada, 'presence on both instances')
        bobRoom.send({ text: 'hi from B' })
        await eventually(() => heard.length === 1, 'a client message on B reaches A')

        await server.stop()
        // Local service goes on: a broadcast on A reaches A's own client at once.
        await liveA.broadcast('room/x', { text: 'local during outage' })
        await eventually(() => heard.length === 2, 'A serves its own client during the outage')
        for (let i = 0; i < 200; i++) await liveA.broadcast('room/x', { text: 'dropped for B' })
        await eventually(
          () => logA.lines.some((l) => l.message?.startsWith('broker unreachable')),
          'the outage is logged',
        )
        await new Promise((resolve) => setTimeout(resolve, 1000))
        const outageLines = logA.lines.filter((l) => l.message?.startsWith('broker unreachable'))
        assert.equal(outageLines.length, 1, 'the outage is logged once, not per retry')

        await server.start()
        const bobHeard: unknown[] = []
        bobRoom.on('message', (data) => bobHeard.push(data))
        await eventually(
          () => {
            void liveA.broadcast('room/x', { text: 'after' })
            return bobHeard.some((d) => (d as { text: string }).text === 'after')
          },
          'cross-instance delivery after the broker returns',
          15_000,
        )
        await eventually(
          () => logA.lines.some((l) => l.message === 'broker reconnected'),
          'the return is logged',
        )
      } finally {
        ada.close()
        bob.close()
        await a.close()
        await b.close()
        await server.stop()
      }
    })
  }

  test('an instance that dies without a goodbye: its members leave elsewhere within the presence timeout', {
    skip: brokerBinary('redis') === null && 'no redis server binary',
  }, async () => {
    const server = await startBrokerServer('redis')
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', join(here, 'instance.ts')],
      {
        env: { ...process.env, BROKER_URL: server.url },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    const liveB = instance(server.url)
    const b = await serveLive(liveB)
    try {
      const line = await new Promise<string>((resolve) =>
        child.stdout!.once('data', (chunk) => resolve(String(chunk))),
      )
      const doomed = realtimeClient(JSON.parse(line).url, { token: 'doomed', reconnect: false })
      const watcher = realtimeClient<typeof liveB>(b.url, { token: 'watcher' })
      await doomed.join('room/d').joined
      const room = watcher.join('room/d')
      await room.joined
      await eventually(() => room.presence.doomed, 'the member on the other instance is present')
      child.kill('SIGKILL')
      const killedAt = Date.now()
      await eventually(() => !room.presence.doomed, 'the dead instance’s member leaves', 5000)
      assert.ok(Date.now() - killedAt < 4000, 'left within the presence timeout and a heartbeat')
      doomed.close()
      watcher.close()
    } finally {
      child.kill('SIGKILL')
      await b.close()
      await server.stop()
    }
  })
})
