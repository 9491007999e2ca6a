import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'
import { rawClient, type Served, serveLive } from './helpers.ts'

describe('the realtime protocol on the wire', () => {
  let served: Served
  before(async () => {
    const live = realtime({ logger: false }).channel('chat/:room', {
      message: z.object({ text: z.string() }),
    })
    served = await serveLive(live)
  })
  after(() => served.close())

  test('connect answers connected with the session, version and limits', async () => {
    const client = await rawClient(served.url, { connect: false })
    assert.equal(client.socket.protocol, 'weft.v1')
    client.send({ msg: 'connect', version: '1', support: ['1'] })
    const connected = await client.next('connected')
    assert.equal(connected.version, '1')
    assert.match(connected.session, /^\w+\.\d+$/)
    assert.deepEqual(connected.limits, { maxMessage: 1024 * 1024, channels: 100 })
    client.socket.close()
  })

  test('a frame before connect closes with 4002', async () => {
    const client = await rawClient(served.url, { connect: false })
    client.send({ msg: 'join', id: '1', channel: 'chat/a' })
    assert.equal((await client.closed).code, 4002)
  })

  test('no common version: failed, then close 4000', async () => {
    const client = await rawClient(served.url, { connect: false })
    client.send({ msg: 'connect', version: '9', support: ['9'] })
    assert.deepEqual(await client.next('failed'), { msg: 'failed', version: '1' })
    assert.equal((await client.closed).code, 4000)
  })

  test('malformed and unknown frames answer error frames and the socket stays open', async () => {
    const client = await rawClient(served.url)
    client.send('{not json')
    assert.equal((await client.next('error')).code, 'WEFT_BAD_FRAME')
    client.send({ msg: 'frobnicate', id: '5', name: 'tasks' })
    const unknown = await client.next('error')
    assert.deepEqual([unknown.code, unknown.status, unknown.id], ['WEFT_UNKNOWN_FRAME', 400, '5'])
    client.send({ msg: 'sub', id: '6', name: 'tasks' })
    const nosub = await client.next('nosub')
    assert.deepEqual([nosub.sub, nosub.error.code], ['6', 'WEFT_NO_SUCH_PUBLICATION'])
    client.send({ msg: 'join', id: '6', channel: 'chat/with space' })
    assert.equal((await client.next('error')).code, 'WEFT_BAD_FRAME')
    client.send({ msg: 'ping', id: 'p1' })
    assert.deepEqual(await client.next('pong'), { msg: 'pong', id: 'p1' })
    client.socket.close()
  })

  test('every channel message carries a sequence number that grows by one from the joined seq', async () => {
    const client = await rawClient(served.url)
    client.send({ msg: 'join', id: '1', channel: 'chat/seq' })
    const joined = await client.next('joined')
    assert.deepEqual(Object.keys(joined).sort(), ['channel', 'epoch', 'id', 'msg', 'seq'])
    for (const text of ['a', 'b', 'c']) client.send({ msg: 'publish', channel: 'chat/seq', data: { text } })
    const messages = [
      await client.next('message'),
      await client.next('message'),
      await client.next('message'),
    ]
    assert.deepEqual(
      messages.map((m) => [m.seq, m.data.text]),
      [
        [joined.seq + 1, 'a'],
        [joined.seq + 2, 'b'],
        [joined.seq + 3, 'c'],
      ],
    )
    client.socket.close()
  })
})
