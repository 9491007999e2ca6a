import assert from 'node:assert/strict'
import WebSocket from 'ws'
import type { Target } from '../../conformance/client.ts'
import type { BatteryCase } from '../battery.ts'

const group = 'realtime'

/** A protocol client on the battery app's /live endpoint, connected (`connect` answered). */
async function live(target: Target) {
  const socket = new WebSocket(`ws://127.0.0.1:${target.port}/live`, ['weft.v1'])
  const frames: Record<string, any>[] = []
  socket.on('message', (data, binary) => {
    if (!binary) frames.push(JSON.parse(String(data)))
  })
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  const send = (frame: unknown) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  const until = async (check: () => boolean, what: string) => {
    for (let waited = 0; !check(); waited += 20) {
      if (waited > 10_000) throw new Error(`no ${what} after 10 s`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  send({ msg: 'connect', version: '1', support: ['1'] })
  await until(() => frames.some((f) => f.msg === 'connected'), '"connected"')
  return { socket, frames, closed, send, until }
}

/** Sends `frame` raw and returns the close code the server answers with. */
async function closeCodeFor(target: Target, payload: Buffer | string, options: { binary: boolean }) {
  const client = await live(target)
  client.socket.send(payload, options)
  return client.closed
}

export const realtime: BatteryCase[] = [
  {
    group,
    name: 'a frame past the 1 MiB message limit',
    expected: 'closed 1009',
    run: async (target) => {
      const code = await closeCodeFor(target, 'x'.repeat(1024 * 1024 + 1024), { binary: false })
      assert.equal(code, 1009)
      return 'closed 1009'
    },
  },
  {
    group,
    name: 'invalid UTF-8 in a text frame',
    expected: 'closed 1007 (Deno: the runtime drops the connection, 1006)',
    run: async (target) => {
      const code = await closeCodeFor(target, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })
      // Deno drops such a connection before Weft sees the frame (docs/runtimes.md).
      assert.equal(code, target.runtime === 'deno' ? 1006 : 1007)
      return `closed ${code}`
    },
  },
  {
    group,
    name: 'a binary frame where binary is off',
    expected: 'closed 1003',
    run: async (target) => {
      assert.equal(await closeCodeFor(target, Buffer.from([1, 2, 3]), { binary: true }), 1003)
      return 'closed 1003'
    },
  },
  {
    group,
    name: 'a flood of 1,000 joins on one socket',
    expected: 'the first 100 joined, the rest 429 WEFT_TOO_MANY_CHANNELS; the socket stays open',
    run: async (target) => {
      const client = await live(target)
      for (let i = 0; i < 1000; i++) client.send({ msg: 'join', id: `j${i}`, channel: `room/r${i}` })
      const answered = () => client.frames.filter((f) => f.msg === 'joined' || f.msg === 'error').length
      await client.until(() => answered() === 1000, 'answer to every join')
      const joined = client.frames.filter((f) => f.msg === 'joined').length
      const refused = client.frames.filter((f) => f.code === 'WEFT_TOO_MANY_CHANNELS' && f.status === 429)
      assert.equal(joined, 100)
      assert.equal(refused.length, 900)
      client.send({ msg: 'ping', id: 'after' })
      await client.until(() => client.frames.some((f) => f.msg === 'pong' && f.id === 'after'), 'pong')
      client.socket.close()
      return 'first 100 joined, 900 × 429 WEFT_TOO_MANY_CHANNELS; open'
    },
  },
  {
    group,
    name: 'a flood of 1,000 subscribes on one socket',
    expected: 'the first 100 ready, the rest nosub 429 WEFT_TOO_MANY_SUBSCRIPTIONS; the socket stays open',
    run: async (target) => {
      const client = await live(target)
      for (let i = 0; i < 1000; i++)
        client.send({ msg: 'sub', id: `s${i}`, name: 'byName', args: { name: `n${i}` } })
      const answered = () => client.frames.filter((f) => f.msg === 'ready' || f.msg === 'nosub').length
      await client.until(() => answered() === 1000, 'answer to every subscription')
      const refused = client.frames.filter(
        (f) => f.msg === 'nosub' && f.error?.code === 'WEFT_TOO_MANY_SUBSCRIPTIONS',
      )
      assert.equal(client.frames.filter((f) => f.msg === 'ready').length, 100)
      assert.equal(refused.length, 900)
      client.socket.close()
      return 'first 100 ready, 900 × nosub 429; open'
    },
  },
  {
    group,
    name: 'operator injection through subscription arguments',
    expected: 'nosub 400 WEFT_DATA_OPERATOR_INJECTION',
    run: async (target) => {
      const client = await live(target)
      client.send('{"msg":"sub","id":"x","name":"byName","args":{"name":{"\\u0024ne":null}}}')
      await client.until(() => client.frames.some((f) => f.msg === 'nosub'), 'nosub')
      const nosub = client.frames.find((f) => f.msg === 'nosub')!
      assert.equal(nosub.error?.code, 'WEFT_DATA_OPERATOR_INJECTION')
      assert.ok(!client.frames.some((f) => f.msg === 'added'), 'nothing was published')
      client.socket.close()
      return 'nosub 400 WEFT_DATA_OPERATOR_INJECTION'
    },
  },
  {
    group,
    name: 'a reconnect storm: 200 clients at once (full: 10 waves), each connecting, joining and dropping',
    expected: 'every client connected and joined; the server keeps serving',
    run: async (target, scale) => {
      for (let wave = 0; wave < (scale.full ? 10 : 1); wave++) {
        const clients = await Promise.all(Array.from({ length: 200 }, () => live(target)))
        for (const [i, client] of clients.entries())
          client.send({ msg: 'join', id: 'j', channel: `storm/${i}` })
        await Promise.all(
          clients.map((c) => c.until(() => c.frames.some((f) => f.msg === 'joined'), 'joined')),
        )
        for (const client of clients) client.socket.terminate()
      }
      return 'all connected and joined, then dropped'
    },
  },
]
