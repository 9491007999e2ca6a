// The WebSocket routes of the conformance fixture: the same file on Node, Deno and Bun.
import { HttpError, type Weft, type WeftSocket } from 'weftjs'
import { connect } from 'weftjs/data'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'

interface Echo {
  room: string
  user: string | undefined
}

/** Sends 64 KiB frames until the send buffer limit closes the socket (a slow consumer). */
function flood(socket: WeftSocket<unknown>): void {
  const chunk = 'x'.repeat(64 * 1024)
  for (let i = 0; i < 4000 && socket.send(chunk); i++);
}

const notes = connect('memory:').then((db) => db.collection<{ _id: string; text: string }>('notes'))

/** A realtime endpoint: channels with presence and validated client messages, a live query and a method. */
export const live = realtime({
  logger: false,
  authenticate: (_ctx, token) => (token ? { id: token } : null),
})
  .channel('chat/:room', { presence: true, message: z.object({ text: z.string() }) })
  .publish('notes', {}, async () => (await notes).find({}, { sort: { text: 1 } }))
  .method('addNote', { args: z.object({ text: z.string().min(1) }) }, async (_conn, { text }) => {
    const { insertedId } = await (await notes).insertOne({ _id: crypto.randomUUID(), text })
    return insertedId
  })

export function addWebSocketRoutes(app: Weft<any>): void {
  app.ws('/live', live)
  app.ws('/ws/echo/:room', {
    upgrade(ctx): Echo | Response {
      if (ctx.query.refuse === 'response') return new Response('no thanks', { status: 401 })
      if (ctx.query.refuse === 'error')
        throw new HttpError(403, 'Not in this room', { code: 'ROOM_FORBIDDEN' })
      ctx.header('x-upgrade', 'accepted')
      return { room: ctx.params.room, user: ctx.cookies.get('user') }
    },
    open(socket) {
      socket.send(JSON.stringify({ hello: socket.data.room, protocol: socket.protocol }))
    },
    message(socket, message) {
      const text = String(message)
      if (text === 'flood') return flood(socket)
      if (text === 'burst') {
        for (let i = 0; i < 200; i++) socket.send(`burst ${i}`)
        return
      }
      if (text === 'close-me') return socket.close(4100, 'asked to')
      if (text === 'burst-close') {
        for (let i = 0; i < 50; i++) socket.send(`burst ${i}`)
        return socket.close(4100, 'asked to')
      }
      socket.send(JSON.stringify({ ...socket.data, text, buffered: typeof socket.bufferedAmount }))
    },
  })
  // Each message a socket sends makes the server send 200 to every other socket of the route.
  const relay = new Set<WeftSocket<unknown>>()
  app.ws('/ws/relay', {
    open(socket) {
      relay.add(socket)
      socket.send('ready')
    },
    close: (socket) => relay.delete(socket),
    message(socket) {
      for (const other of relay) if (other !== socket) for (let i = 0; i < 200; i++) other.send(`burst ${i}`)
    },
  })
  app.ws('/ws/binary', {
    limits: { binary: true },
    message: (socket, message) => socket.send(message),
  })
  app.ws('/ws/idle', { limits: { idleTimeout: 1000 }, open: (socket) => socket.send('ready') })
  app.ws('/ws/limited', { limits: { connectionsPerIp: 2 }, open: (socket) => socket.send('ready') })
  app.ws('/ws/partners', { origins: ['https://partner.example'], open: (socket) => socket.send('ready') })
}
