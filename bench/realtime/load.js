// The load side of bench/realtime: opens the connections for one peer and runs one
// scenario against it, printing one JSON line of results. Runs on core 1 (run.js pins it).
//   node load.js <peer> idle <connections> <url> [controlUrl]
//   node load.js <peer> fanout <subscribers> <url> <controlUrl> <broadcasts>
//   node load.js <peer> throughput <members> <url> <controlUrl> <seconds>
// Peers: weft (weftjs/realtime protocol), ws and bun ("join:room" text), socketio.
import { io as ioClient } from 'socket.io-client'
import WebSocket from 'ws'
import { percentile } from '../percentile.js'

const [peer, scenario, countArg, url, control, extra] = process.argv.slice(2)
const count = Number(countArg)

/**
 * Source addresses 127.0.x.1, one per 5,000 sockets, starting at a block picked by this
 * process: the sockets of the previous measure sit in TIME_WAIT on their addresses' ports,
 * so reusing one address for 10,000 and then 19,000 sockets runs out of ephemeral ports.
 */
const firstBlock = 1 + (process.pid % 48) * 5
const localAddress = (i) => `127.0.${firstBlock + Math.floor(i / 5_000)}.1`

/**
 * Opens one connection joined to room `bench`; `onMessage(text)` sees every later message.
 * Resolves with a `send(payload)` for the scenario.
 */
function connect(i, onMessage) {
  return new Promise((resolve, reject) => {
    if (peer === 'socketio') {
      const socket = ioClient(url, {
        transports: ['websocket'],
        auth: { token: `user${i}` },
        localAddress: localAddress(i),
        reconnection: false,
        forceNew: true,
      })
      socket.on('connect_error', reject)
      socket.on('connect', () =>
        socket.emit('join', 'bench', () => {
          socket.on('msg', (data) => onMessage(data))
          resolve({ send: (payload) => socket.emit('msg', payload), close: () => socket.close() })
        }),
      )
      return
    }
    const weft = peer === 'weft'
    const protocols = weft
      ? ['weft.v1', `weft.token.${Buffer.from(`user${i}`).toString('base64url')}`]
      : undefined
    const socket = new WebSocket(url, protocols, { localAddress: localAddress(i), perMessageDeflate: false })
    let joined = false
    socket.on('error', reject)
    socket.on('open', () => {
      if (weft) {
        socket.send('{"msg":"connect","version":"1","support":["1"]}')
        socket.send('{"msg":"join","id":"1","channel":"room/bench"}')
      } else socket.send('join:bench')
    })
    socket.on('message', (data) => {
      const text = String(data)
      if (!joined) {
        if (weft ? text.includes('"msg":"joined"') : text === 'joined') {
          joined = true
          const send = weft
            ? (payload) =>
                socket.send(`{"msg":"publish","channel":"room/bench","data":${JSON.stringify(payload)}}`)
            : (payload) => socket.send(JSON.stringify(payload))
          resolve({ send, close: () => socket.close() })
        }
        return
      }
      onMessage(text)
    })
  })
}

async function openAll(n, onMessage) {
  const sockets = []
  // In batches: thousands of simultaneous handshakes only measure the accept queue.
  for (let i = 0; i < n; i += 200) {
    const batch = []
    for (let j = i; j < Math.min(n, i + 200); j++) batch.push(connect(j, (m) => onMessage(j, m)))
    sockets.push(...(await Promise.all(batch)))
  }
  return sockets
}

const now = () => Number(process.hrtime.bigint()) / 1e6
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const memory = async () => (await fetch(`${control}/memory`)).json()
const cpu = async () => (await (await fetch(`${control}/cpu`)).json()).cpu

async function idle() {
  const before = await memory()
  const sockets = await openAll(count, () => {})
  await sleep(2000)
  const after = await memory()
  const per = (field) => (after[field] - before[field]) / 1024 / sockets.length
  console.log(
    JSON.stringify({
      connections: sockets.length,
      kbPerConnection: per('rss'),
      kbHeapPerConnection: per('heapUsed'),
      rss: after.rss,
    }),
  )
  process.exit(0)
}

async function fanout() {
  const rounds = Number(extra)
  let received = 0
  let last = 0
  const sockets = await openAll(count, () => {
    received++
    last = now()
  })
  const times = []
  for (let round = 0; round < rounds; round++) {
    received = 0
    const started = now()
    await fetch(`${control}/broadcast?stamp=${round}`, { method: 'POST' })
    const deadline = started + 10_000
    while (received < sockets.length && now() < deadline) await sleep(1)
    if (received < sockets.length)
      throw new Error(`round ${round}: ${received} of ${sockets.length} received`)
    times.push(last - started)
    await sleep(20)
  }
  times.sort((a, b) => a - b)
  console.log(
    JSON.stringify({
      subscribers: sockets.length,
      rounds,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
    }),
  )
  process.exit(0)
}

async function throughput() {
  const seconds = Number(extra)
  let delivered = 0
  let counting = false
  const senders = []
  // Closed loop: each member sends its next message when its previous one came back.
  const sockets = await openAll(count, (i, message) => {
    if (counting) delivered++
    const data = typeof message === 'string' ? JSON.parse(message) : message
    const from = data.data ? data.data.s : data.s
    if (from === i) senders[i]?.send({ s: i, n: 0 })
  })
  senders.push(...sockets)
  for (let i = 0; i < sockets.length; i++) sockets[i].send({ s: i, n: 0 })
  await sleep(1000)
  const cpuBefore = await cpu()
  counting = true
  const started = now()
  await sleep(seconds * 1000)
  counting = false
  const elapsed = (now() - started) / 1000
  const cpuUsed = (await cpu()) - cpuBefore
  console.log(
    JSON.stringify({
      members: sockets.length,
      deliveredPerSecond: Math.round(delivered / elapsed),
      // The server's CPU per delivered message: on a shared machine this moves far less
      // than the rate, which falls with whatever else holds the cores.
      cpuPerMessage: cpuUsed / delivered,
    }),
  )
  process.exit(0)
}

const scenarios = { idle, fanout, throughput }
scenarios[scenario]().catch((error) => {
  console.error(String(error?.stack ?? error))
  process.exit(1)
})
