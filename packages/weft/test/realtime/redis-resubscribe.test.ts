// A Redis connection that comes back while subscriptions are being made anew on it. The
// timing is luck against a real server, so this speaks Redis's protocol itself and plays
// the two cases: the instance shuts down while its resubscribe waits for an answer (the
// rejection must not go unhandled: it failed a full test run once, and ends a process),
// and the connection drops again before the answer (every channel must be subscribed
// again on the next connection; ioredis's own resubscribe lost one).

import assert from 'node:assert/strict'
import { createServer, type Socket } from 'node:net'
import { test } from 'node:test'
import { realtimeClient } from 'weftjs/client'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'
import { eventually, serveLive } from './helpers.ts'

/** The commands of a RESP buffer that are complete, and what is left over. */
function commands(buffer: string): { parsed: string[][]; rest: string } {
  const parsed: string[][] = []
  let at = 0
  for (;;) {
    const start = at
    const header = buffer.indexOf('\r\n', at)
    if (buffer[at] !== '*' || header < 0) return { parsed, rest: buffer.slice(start) }
    const count = Number(buffer.slice(at + 1, header))
    at = header + 2
    const args: string[] = []
    for (let i = 0; i < count; i++) {
      const end = buffer.indexOf('\r\n', at)
      if (end < 0) return { parsed, rest: buffer.slice(start) }
      const length = Number(buffer.slice(at + 1, end))
      if (buffer.length < end + 2 + length + 2) return { parsed, rest: buffer.slice(start) }
      args.push(buffer.slice(end + 2, end + 2 + length))
      at = end + 2 + length + 2
    }
    parsed.push(args)
  }
}

const bulk = (text: string) => `$${Buffer.byteLength(text)}\r\n${text}\r\n`

function scriptedRedis() {
  const sockets = new Set<Socket>()
  const subscribed: string[] = []
  /** What happens to the first SUBSCRIBE after `restart()`: dropped with its connection, or never answered. */
  const state = { nextSubscribe: 'answer' as 'answer' | 'drop' | 'hold', met: 0 }
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let pending = ''
    // A held connection answers nothing more: a reply would be taken for the held command's.
    let held = false
    socket.on('data', (chunk) => {
      const { parsed, rest } = commands(pending + chunk.toString('latin1'))
      pending = rest
      for (const [name, ...args] of parsed) {
        if (held) return
        const command = name!.toLowerCase()
        if (command === 'info') socket.write(bulk('# Server\r\nloading:0\r\n'))
        else if (command === 'subscribe' && state.nextSubscribe !== 'answer') {
          const drop = state.nextSubscribe === 'drop'
          state.nextSubscribe = 'answer'
          state.met++
          if (drop) return void socket.destroy()
          held = true
        } else if (command === 'subscribe') {
          args.forEach((channel, i) => {
            subscribed.push(channel)
            socket.write(`*3\r\n${bulk('subscribe')}${bulk(channel)}:${i + 1}\r\n`)
          })
        } else if (command === 'publish') socket.write(':0\r\n')
        else socket.write('+OK\r\n')
      }
    })
  })
  return {
    subscribed,
    state,
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
      ),
    /** As a restart: every connection dropped; then the next SUBSCRIBE as `next` says. */
    restart(next: 'drop' | 'hold') {
      state.nextSubscribe = next
      for (const socket of sockets) socket.destroy()
    },
    close: () => {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

async function subscribedInstance() {
  const redis = scriptedRedis()
  const port = await redis.listen()
  const live = realtime<{ id: string }>({
    logger: false,
    broker: `redis://127.0.0.1:${port}`,
    replay: false,
    authenticate: (_ctx, token) => (token ? { id: token } : null),
  }).channel('room/:name', { message: z.object({ text: z.string() }) })
  const served = await serveLive(live)
  const client = realtimeClient(served.url, { token: 'ada' })
  await client.join('room/x').joined
  await eventually(() => redis.subscribed.includes('weft.ch.room/x'), 'the channel subscribed')
  return { redis, served, client }
}

/** The rejections left unhandled while `run` runs, and a moment after. */
async function unhandledDuring(run: () => Promise<void>): Promise<string[]> {
  const unhandled: string[] = []
  const record = (reason: unknown) => unhandled.push(String(reason))
  process.on('unhandledRejection', record)
  try {
    await run()
    await new Promise((resolve) => setTimeout(resolve, 100))
  } finally {
    process.off('unhandledRejection', record)
  }
  return unhandled
}

test('shut down while resubscribing after a reconnect: no rejection is left unhandled', async () => {
  const { redis, served, client } = await subscribedInstance()
  const unhandled = await unhandledDuring(async () => {
    redis.restart('hold')
    await eventually(() => redis.state.met === 1, 'the resubscribe sent and left unanswered')
    client.close()
    await served.close()
  })
  await redis.close()
  assert.deepEqual(unhandled, [])
})

test('lost again while resubscribing: every channel is subscribed again on the next connection', async () => {
  const { redis, served, client } = await subscribedInstance()
  try {
    const before = new Set(redis.subscribed)
    const from = redis.subscribed.length
    redis.restart('drop')
    await eventually(() => redis.state.met === 1, 'the resubscribe met a lost connection')
    await eventually(
      () => [...before].every((subject) => redis.subscribed.slice(from).includes(subject)),
      `${[...before].join(', ')} subscribed again`,
    )
  } finally {
    client.close()
    await served.close()
    await redis.close()
  }
})
