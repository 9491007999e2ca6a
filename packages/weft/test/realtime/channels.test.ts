import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { realtimeClient } from 'weftjs/client'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'
import { eventually, rawClient, type Served, serveLive } from './helpers.ts'

const Chat = z.object({ text: z.string().min(1) })

function makeLive() {
  return realtime<{ id: string; name: string }>({
    logger: false,
    limits: { channels: 3 },
    authenticate: (_ctx, token) => (token ? { id: token, name: token.toUpperCase() } : null),
  })
    .channel('chat/:room', {
      authorize: (conn, { room }) => room !== 'secret' || conn.user.id === 'admin',
      presence: { meta: (conn, { room }) => ({ name: conn.user.name, room }) },
      message: Chat,
    })
    .channel('news', {})
}

describe('channels: join, messages, presence', () => {
  let served: Served
  let live: ReturnType<typeof makeLive>
  before(async () => {
    live = makeLive()
    served = await serveLive(live)
  })
  after(() => served.close())

  test('two clients see each other in presence and each other’s messages, and a leave as a diff', async () => {
    const ada = realtimeClient<typeof live>(served.url, { token: 'ada' })
    const bob = realtimeClient<typeof live>(served.url, { token: 'bob' })
    try {
      const adaRoom = ada.join('chat/lobby')
      await adaRoom.joined
      const bobRoom = bob.join('chat/lobby')
      await bobRoom.joined
      await eventually(() => adaRoom.presence.bob && bobRoom.presence.ada, 'both present for both')
      assert.deepEqual(Object.keys(adaRoom.presence).sort(), ['ada', 'bob'])
      assert.equal(bobRoom.presence.ada[0].name, 'ADA')
      assert.equal(bobRoom.presence.ada[0].room, 'lobby')
      assert.equal(bobRoom.presence.ada[0].ref, ada.session)

      const got: string[] = []
      bobRoom.on('message', (data) => got.push(data.text))
      adaRoom.send({ text: 'hello bob' })
      await eventually(() => got.length === 1, 'bob receives ada’s message')
      assert.deepEqual(got, ['hello bob'])

      bobRoom.leave()
      await eventually(() => !adaRoom.presence.bob, 'bob’s leave reaches ada')
    } finally {
      ada.close()
      bob.close()
    }
  })

  test('live.broadcast reaches every subscriber with one frame, from server code', async () => {
    const a = await rawClient(served.url, { protocols: ['weft.v1', 'weft.token.YQ'] })
    const b = await rawClient(served.url, { protocols: ['weft.v1', 'weft.token.Yg'] })
    for (const client of [a, b]) {
      client.send({ msg: 'join', id: '1', channel: 'news' })
      await client.next('joined')
    }
    await live.broadcast('news', { headline: 'Weft ships' })
    const [fromA, fromB] = [await a.next('message'), await b.next('message')]
    assert.deepEqual(fromA, { msg: 'message', channel: 'news', seq: 1, data: { headline: 'Weft ships' } })
    assert.deepEqual(fromB, fromA)
    a.socket.close()
    b.socket.close()
  })

  test('a broadcast is serialised once, whatever the number of subscribers', async () => {
    const clients = await Promise.all(
      [1, 2, 3].map(() => rawClient(served.url, { protocols: ['weft.v1', 'weft.token.YQ'] })),
    )
    for (const client of clients) {
      client.send({ msg: 'join', id: '1', channel: 'chat/once' })
      await client.next('joined')
    }
    let serialised = 0
    await live.broadcast('chat/once', { toJSON: () => ({ n: ++serialised }) })
    const frames = await Promise.all(clients.map((client) => client.next('message')))
    assert.equal(serialised, 1)
    assert.deepEqual(
      frames.map((frame) => frame.data),
      [{ n: 1 }, { n: 1 }, { n: 1 }],
    )
    for (const client of clients) client.socket.close()
  })

  test('an invalid message answers a 422 error frame listing the issues; the socket stays open', async () => {
    const client = await rawClient(served.url, { protocols: ['weft.v1', 'weft.token.YQ'] })
    client.send({ msg: 'join', id: '1', channel: 'chat/v' })
    await client.next('joined')
    client.send({ msg: 'publish', id: '2', channel: 'chat/v', data: { text: 42 } })
    const error = await client.next('error')
    assert.equal(error.status, 422)
    assert.equal(error.code, 'WEFT_INVALID_MESSAGE')
    assert.equal(error.id, '2')
    assert.equal(error.issues[0].path, 'text')
    client.send({ msg: 'publish', id: '3', channel: 'chat/v', data: { text: 'fine' } })
    assert.equal((await client.next('message')).data.text, 'fine')
    client.socket.close()
  })

  test('clients send only where allowed: read-only channels, channels not joined', async () => {
    const client = await rawClient(served.url, { protocols: ['weft.v1', 'weft.token.YQ'] })
    client.send({ msg: 'publish', id: '1', channel: 'chat/x', data: { text: 'hi' } })
    assert.equal((await client.next('error')).code, 'WEFT_FORBIDDEN')
    client.send({ msg: 'join', id: '2', channel: 'news' })
    await client.next('joined')
    client.send({ msg: 'publish', id: '3', channel: 'news', data: { text: 'hi' } })
    assert.equal((await client.next('error')).code, 'WEFT_READ_ONLY_CHANNEL')
    client.socket.close()
  })

  test('authorize decides each join from the params and conn.user; unknown channels are 404', async () => {
    const rt = realtimeClient<typeof live>(served.url, { token: 'bob' })
    const admin = realtimeClient<typeof live>(served.url, { token: 'admin' })
    try {
      await assert.rejects(rt.join('chat/secret').joined, { status: 403, code: 'WEFT_FORBIDDEN' })
      await admin.join('chat/secret').joined
      const raw = await rawClient(served.url, { protocols: ['weft.v1', 'weft.token.YQ'] })
      raw.send({ msg: 'join', id: '9', channel: 'nothing/here' })
      const error = await raw.next('error')
      assert.deepEqual([error.status, error.code, error.id], [404, 'WEFT_NO_SUCH_CHANNEL', '9'])
      raw.socket.close()
    } finally {
      rt.close()
      admin.close()
    }
  })

  test('a connection may join only so many channels', async () => {
    const client = await rawClient(served.url, { protocols: ['weft.v1', 'weft.token.YQ'] })
    for (const room of ['a', 'b', 'c']) {
      client.send({ msg: 'join', id: room, channel: `chat/${room}` })
      await client.next('joined')
    }
    client.send({ msg: 'join', id: 'd', channel: 'chat/d' })
    const error = await client.next('error')
    assert.deepEqual([error.status, error.code], [429, 'WEFT_TOO_MANY_CHANNELS'])
    client.socket.close()
  })

  test('closing a socket leaves its channels: the others see the presence leave', async () => {
    const watcher = await rawClient(served.url, { protocols: ['weft.v1', 'weft.token.dw'] })
    watcher.send({ msg: 'join', id: '1', channel: 'chat/bye' })
    await watcher.next('presence', (f) => f.state)
    const leaver = await rawClient(served.url, { protocols: ['weft.v1', 'weft.token.bGVhdmVy'] })
    leaver.send({ msg: 'join', id: '1', channel: 'chat/bye' })
    await watcher.next('presence', (f) => f.joins?.leaver)
    leaver.socket.terminate()
    const diff = await watcher.next('presence', (f) => f.leaves?.leaver)
    assert.deepEqual(diff.joins, {})
    watcher.socket.close()
  })
})
