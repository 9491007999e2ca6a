// The subscriber side of live-sockets.js, in its own process (pinned to core 1) so the
// clients do not take the server's event loop. Raw `ws` sockets speaking the protocol.
//   node live-load.js <sockets> <subscriptions> <boards> <url>[,<url>...]
// Socket i connects to url i mod the count; subscription j (on socket j mod sockets)
// follows board `b${j mod boards}`. It talks to the runner in JSON lines:
//   prints {"opened"}, then on the line "subscribe" subscribes all and prints {"ready"};
//   then on a JSON line [{id, board}] (the writes) waits until every subscriber of each
//   board has the document's `added` and prints {"arrivals": [[id, at, url index], ...]}:
//   the last subscriber's arrival on the wall clock (ms), and its server.
import { createInterface } from 'node:readline'
import WebSocket from 'ws'

const [socketsArg, subsArg, boardsArg, urlsArg] = process.argv.slice(2)
const socketCount = Number(socketsArg)
const subCount = Number(subsArg)
const boards = Number(boardsArg)
const urls = urlsArg.split(',')
const wallClock = () => performance.timeOrigin + performance.now()

// Source addresses as in load.js: a block of 127.0.x.1 per process, 5,000 sockets each.
const firstBlock = 1 + (process.pid % 48) * 5
const localAddress = (i) => `127.0.${firstBlock + Math.floor(i / 5_000)}.1`

const subscribersOf = new Map() // board -> how many subscriptions follow it
for (let j = 0; j < subCount; j++) {
  const board = `b${j % boards}`
  subscribersOf.set(board, (subscribersOf.get(board) ?? 0) + 1)
}
const arrivals = new Map() // document id -> { count, at, server }
let readyCount = 0
let onReady = () => {}
let onArrival = () => {}

function open(i) {
  const token = Buffer.from(`user${i}`).toString('base64url')
  const server = i % urls.length
  const socket = new WebSocket(urls[server], ['weft.v1', `weft.token.${token}`], {
    localAddress: localAddress(i),
    perMessageDeflate: false,
  })
  const ready = new Set()
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data))
    if (frame.msg === 'ready') {
      ready.add(frame.sub)
      if (++readyCount === subCount) onReady()
    } else if (frame.msg === 'added' && ready.has(frame.sub)) {
      const at = wallClock()
      const seen = arrivals.get(frame.id) ?? { count: 0, at, server }
      seen.count++
      if (at >= seen.at) Object.assign(seen, { at, server })
      arrivals.set(frame.id, seen)
      onArrival()
    } else if (frame.msg === 'nosub' || frame.msg === 'error') {
      console.error(`subscription refused: ${String(data)}`)
      process.exit(1)
    }
  })
  return new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.once('open', () => {
      socket.send('{"msg":"connect","version":"1","support":["1"]}')
      resolve(socket)
    })
  })
}

const sockets = []
// In batches: thousands of simultaneous handshakes only measure the accept queue.
for (let i = 0; i < socketCount; i += 200) {
  const batch = []
  for (let j = i; j < Math.min(socketCount, i + 200); j++) batch.push(open(j))
  sockets.push(...(await Promise.all(batch)))
}
console.log(JSON.stringify({ opened: sockets.length }))

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
await lines.next() // "subscribe"
const allReady = new Promise((resolve) => {
  onReady = resolve
})
for (let j = 0; j < subCount; j++) {
  const args = { board: `b${j % boards}` }
  sockets[j % socketCount].send(JSON.stringify({ msg: 'sub', id: `s${j}`, name: 'tasks', args }))
}
if (subCount) await allReady
console.log(JSON.stringify({ ready: readyCount }))

const writes = JSON.parse((await lines.next()).value)
const complete = () =>
  writes.every(({ id, board }) => (arrivals.get(id)?.count ?? 0) >= (subscribersOf.get(board) ?? 0))
const deadline = setTimeout(() => onArrival(true), 30_000)
await new Promise((resolve) => {
  onArrival = (timedOut) => (timedOut || complete()) && resolve()
  onArrival()
})
clearTimeout(deadline)
const missing = writes.filter(
  ({ id, board }) => (arrivals.get(id)?.count ?? 0) < (subscribersOf.get(board) ?? 0),
)
if (missing.length)
  console.error(`${missing.length} of ${writes.length} writes did not reach every subscriber in 30 s`)
const result = writes
  .filter(({ board }) => subscribersOf.has(board))
  .map(({ id }) => [id, arrivals.get(id)?.at ?? Number.NaN, arrivals.get(id)?.server ?? -1])
console.log(JSON.stringify({ arrivals: result, missing: missing.length }))
for (const socket of sockets) socket.terminate()
process.exit(0)
