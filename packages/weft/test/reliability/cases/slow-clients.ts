import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { get, type Target } from '../../conformance/client.ts'
import { type BatteryCase, rssOf } from '../battery.ts'

const group = 'slow clients'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Opens `count` sockets; resolves once all are connected. Each records when the server closed it. */
async function openSockets(target: Target, count: number) {
  const sockets: { socket: Socket; closed: boolean }[] = []
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const entry = { socket: connect(target.port, '127.0.0.1'), closed: false }
          entry.socket.once('connect', () => resolve())
          entry.socket.once('error', (error) => (entry.closed ? undefined : reject(error)))
          entry.socket.on('error', () => {})
          entry.socket.once('close', () => {
            entry.closed = true
          })
          entry.socket.on('data', () => {})
          sockets.push(entry)
        }),
    ),
  )
  return sockets
}

/** A well-behaved GET, answered within 3 s while the attack goes on. */
async function servedMeanwhile(target: Target) {
  const started = Date.now()
  const answer = await Promise.race([get(target.port, '/ok'), sleep(3000).then(() => undefined)])
  assert.equal(answer?.status, 200, 'a well-behaved client waited past 3 s')
  return Date.now() - started
}

export const slowClients: BatteryCase[] = [
  {
    group,
    name: 'slowloris: sockets trickling a head',
    expected: 'others served meanwhile; head timeout cuts them (Node 408 at 2 s)',
    run: async (target, scale) => {
      const sockets = await openSockets(target, scale.sockets)
      try {
        for (const { socket } of sockets) socket.write('GET /ok HTTP/1.1\r\nHost: x\r\n')
        let waited = 0
        for (let tick = 0; tick < 8; tick++) {
          await sleep(500)
          for (const entry of sockets) if (!entry.closed) entry.socket.write(`X-${tick}: a\r\n`)
          if (tick === 2) waited = await servedMeanwhile(target)
        }
        const cut = sockets.filter((entry) => entry.closed).length
        if (target.runtime.startsWith('node')) assert.equal(cut, sockets.length, 'Node keeps trickling heads')
        return `others served in ${waited} ms; ${cut}/${sockets.length} cut within 4 s`
      } finally {
        for (const { socket } of sockets) socket.destroy()
      }
    },
  },
  {
    group,
    name: 'a slow body: one byte every 250 ms',
    expected: 'others served meanwhile; request timeout (Node 408 at 4 s)',
    run: async (target) => {
      const [entry] = await openSockets(target, 1)
      let received = ''
      entry.socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1')
      })
      try {
        entry.socket.write(
          'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n',
        )
        let waited = 0
        for (let tick = 0; tick < 24 && !entry.closed; tick++) {
          await sleep(250)
          entry.socket.write('a')
          if (tick === 4) waited = await servedMeanwhile(target)
        }
        const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]
        if (target.runtime.startsWith('node')) assert.equal(status, '408', received)
        return `others served in ${waited} ms; ${status ?? (entry.closed ? 'closed' : 'still open after 6 s')}`
      } finally {
        entry.socket.destroy()
      }
    },
  },
  {
    group,
    name: 'idle keep-alive sockets',
    expected: 'others served; idle sockets closed after keepAliveTimeout (5 s)',
    run: async (target, scale) => {
      const sockets = await openSockets(target, scale.sockets)
      try {
        for (const { socket } of sockets) socket.write('GET /ok HTTP/1.1\r\nHost: x\r\n\r\n')
        const waited = await servedMeanwhile(target)
        // Waiting out the keep-alive timeout is for the full run; npm test stops here.
        if (!scale.full) return `others served in ${waited} ms`
        for (let tick = 0; tick < 16 && sockets.some((entry) => !entry.closed); tick++) await sleep(500)
        const closed = sockets.filter((entry) => entry.closed).length
        return `others served in ${waited} ms; ${closed}/${sockets.length} closed by the server within 8 s`
      } finally {
        for (const { socket } of sockets) socket.destroy()
      }
    },
  },
  {
    group,
    name: 'a reader that never reads a 25 MiB stream',
    expected: 'production stops at back-pressure; memory bounded',
    run: async (target) => {
      const before = await rssOf(target)
      const socket = connect(target.port, '127.0.0.1')
      try {
        socket.pause()
        socket.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n')
        await sleep(2000)
        const { produced } = JSON.parse((await get(target.port, '/big/produced')).body) as {
          produced: number
        }
        const grew = (await rssOf(target)) - before
        assert.ok(produced < 400, 'the whole stream was produced for a client that reads nothing')
        assert.ok(grew < 64 * 1024 * 1024, `RSS grew ${grew} bytes`)
        return `${produced}/400 chunks produced, RSS +${(grew / 1048576).toFixed(1)} MiB`
      } finally {
        socket.destroy()
      }
    },
  },
]
