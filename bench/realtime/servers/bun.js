// Raw Bun.serve websockets: the floor for Bun. A room is a topic; server.publish sends to
// every subscriber, in the same frame Weft sends (channel and sequence number around the
// data), so clients read the same bytes from every server. Same control routes as the others.
const seqs = new Map()
const frame = (room, json) => {
  const seq = (seqs.get(room) ?? 0) + 1
  seqs.set(room, seq)
  return `{"msg":"message","channel":${JSON.stringify(`room/${room}`)},"seq":${seq},"data":${json}}`
}
const env = process.env
const server = Bun.serve({
  port: Number(env.PORT ?? 3000),
  hostname: '127.0.0.1',
  fetch(req, srv) {
    const url = new URL(req.url)
    if (url.pathname === '/ws')
      return srv.upgrade(req, { data: { room: null } }) ? undefined : new Response('no', { status: 400 })
    if (req.method === 'POST' && url.pathname === '/broadcast') {
      srv.publish('bench', frame('bench', JSON.stringify({ stamp: url.searchParams.get('stamp') })))
      return new Response(null, { status: 204 })
    }
    if (url.pathname === '/cpu') {
      const { user, system } = process.cpuUsage()
      return Response.json({ cpu: user + system })
    }
    if (url.pathname === '/memory') {
      Bun.gc(true)
      const { rss, heapUsed } = process.memoryUsage()
      return Response.json({ rss, heapUsed })
    }
    return new Response('not found', { status: 404 })
  },
  websocket: {
    perMessageDeflate: false,
    message(ws, message) {
      const text = String(message)
      if (ws.data.room === null && text.startsWith('join:')) {
        ws.data.room = text.slice(5)
        ws.subscribe(ws.data.room)
        ws.send('joined')
        return
      }
      if (ws.data.room !== null) server.publish(ws.data.room, frame(ws.data.room, text))
    },
  },
})
console.log(JSON.stringify({ port: server.port }))
