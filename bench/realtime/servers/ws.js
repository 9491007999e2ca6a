// Raw `ws` on node:http: the floor for Node. Rooms are a Set; a broadcast is a loop with
// the message encoded once (to bytes), in the same frame Weft sends (channel and sequence number
// around the data), so clients read the same bytes from every server. Each TCP socket is
// corked until the end of the turn, as Weft does and as Bun's publish does for the Bun
// floor: the least work raw ws can do. Same control routes as the others.
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'

const rooms = new Map()
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x')
  if (req.method === 'POST' && url.pathname === '/broadcast') {
    send('bench', JSON.stringify({ stamp: url.searchParams.get('stamp') }))
    return res.writeHead(204).end()
  }
  if (url.pathname === '/cpu') return res.writeHead(200).end(JSON.stringify(cpu()))
  if (url.pathname === '/memory') {
    globalThis.gc?.()
    const { rss, heapUsed } = process.memoryUsage()
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rss, heapUsed }))
  }
  res.writeHead(404).end()
})
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, clientTracking: false })

function send(name, json) {
  const room = rooms.get(name)
  if (!room) return
  const frame = Buffer.from(`${room.head}${++room.seq},"data":${json}}`)
  for (const socket of room.sockets) {
    cork(socket._socket)
    socket.send(frame, { binary: false })
  }
}

let corked = []
function cork(tcp) {
  if (tcp.writableCorked !== 0) return
  tcp.cork()
  if (corked.push(tcp) === 1)
    setImmediate(() => {
      const list = corked
      corked = []
      for (const each of list) each.uncork()
    })
}

wss.on('connection', (socket) => {
  let room = null
  socket.on('message', (data) => {
    const text = String(data)
    if (room === null && text.startsWith('join:')) {
      room = text.slice(5)
      if (!rooms.has(room)) rooms.set(room, { sockets: new Set(), seq: 0, head: messageHead(room) })
      rooms.get(room).sockets.add(socket)
      socket.send('joined')
      return
    }
    if (room !== null) send(room, text)
  })
  socket.on('close', () => rooms.get(room)?.sockets.delete(socket))
})

/** CPU time this process has used, µs: the room measure divides it by the messages delivered. */
function cpu() {
  const { user, system } = process.cpuUsage()
  return { cpu: user + system }
}

/** The start of Weft's message frame for this room's channel (shared/realtime-protocol.ts). */
function messageHead(room) {
  return `{"msg":"message","channel":${JSON.stringify(`room/${room}`)},"seq":`
}

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }))
})
