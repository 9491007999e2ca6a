// Socket.IO 4 over WebSocket only, with its Redis adapter when REDIS_URL is set (the
// several-instance case). Same control routes as the others.
import { createServer } from 'node:http'
import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import { Server } from 'socket.io'

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x')
  if (req.method === 'POST' && url.pathname === '/broadcast') {
    io.to('bench').emit('msg', { stamp: url.searchParams.get('stamp') })
    return res.writeHead(204).end()
  }
  if (url.pathname === '/cpu') {
    const { user, system } = process.cpuUsage()
    return res.writeHead(200).end(JSON.stringify({ cpu: user + system }))
  }
  if (url.pathname === '/memory') {
    globalThis.gc?.()
    const { rss, heapUsed } = process.memoryUsage()
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rss, heapUsed }))
  }
  if (!url.pathname.startsWith('/socket.io')) res.writeHead(404).end()
})
const io = new Server(server, { transports: ['websocket'], serveClient: false, perMessageDeflate: false })
if (process.env.REDIS_URL) {
  const pub = new Redis(process.env.REDIS_URL)
  io.adapter(createAdapter(pub, pub.duplicate()))
}
io.use((socket, next) => (socket.handshake.auth?.token ? next() : next(new Error('unauthorized'))))
io.on('connection', (socket) => {
  socket.on('join', (room, ack) => {
    socket.join(room)
    ack?.('joined')
  })
  socket.on('msg', (data) => io.to('bench').emit('msg', data))
})

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }))
})
