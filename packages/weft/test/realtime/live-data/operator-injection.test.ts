// Operator injection through realtime arguments, as through HTTP bodies: a `$` key in a
// frame's arguments marks them, so weftjs/data refuses them as query operators whether the
// publication or method has a schema or not, and poisoning keys refuse the frame.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { connect, type Db } from 'weftjs/data'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'
import { type RawClient, rawClient, type Served, serveLive } from '../helpers.ts'

describe('operator injection through realtime arguments', () => {
  let db: Db
  let served: Served
  let client: RawClient
  before(async () => {
    db = await connect('memory:')
    const users = db.collection<{ name: string; password: string }>('users')
    await users.insertMany([
      { name: 'ada', password: 'secret' },
      { name: 'bob', password: 'hunter2' },
    ])
    const live = realtime({ logger: false })
      // No schema: the arguments reach the query as they came.
      .publish('byName', {}, (_conn, args) => users.find({ name: (args as { name: string }).name }))
      // A permissive schema: it must not launder the mark.
      .method('login', { args: z.object({ name: z.any(), password: z.any() }) }, async (_conn, args) => {
        return (await users.findOne({ name: args.name, password: args.password })) !== null
      })
    served = await serveLive(live)
    client = await rawClient(served.url)
    client.send({ msg: 'connect', version: '1', support: ['1'] })
    await client.next('connected')
  })
  after(async () => {
    client.socket.close()
    await served.close()
    await db.close()
  })

  test('a publication without a schema: {"$ne": null} is refused, a plain name works', async () => {
    client.send({ msg: 'sub', id: 's1', name: 'byName', args: { name: { $ne: null } } })
    const refused = await client.next('nosub', (f) => f.sub === 's1')
    assert.equal(refused.error?.status, 400)
    assert.equal(refused.error?.code, 'WEFT_DATA_OPERATOR_INJECTION')
    assert.equal(
      client.frames.some((f) => f.msg === 'added' && f.sub === 's1'),
      false,
      'no document was published',
    )
    client.send({ msg: 'sub', id: 's2', name: 'byName', args: { name: 'ada' } })
    const added = await client.next('added', (f) => f.sub === 's2')
    assert.equal(added.fields.name, 'ada')
  })

  test('a method whose schema lets anything through: the mark survives, spelled \\u0024 too', async () => {
    for (const [id, text] of [
      ['m1', '{"msg":"method","id":"m1","name":"login","args":{"name":"ada","password":{"$ne":null}}}'],
      ['m2', '{"msg":"method","id":"m2","name":"login","args":{"name":"ada","password":{"\\u0024ne":null}}}'],
    ]) {
      client.send(text)
      const answer = await client.next('result', (f) => f.id === id)
      assert.equal(answer.error?.status, 400, JSON.stringify(answer))
      assert.equal(answer.error?.code, 'WEFT_DATA_OPERATOR_INJECTION')
    }
    client.send({ msg: 'method', id: 'm3', name: 'login', args: { name: 'ada', password: 'secret' } })
    assert.equal((await client.next('result', (f) => f.id === 'm3')).result, true)
  })

  test('a __proto__ key refuses the frame; the socket stays open', async () => {
    client.send('{"msg":"method","id":"m4","name":"login","args":{"__proto__":{"admin":true}}}')
    const error = await client.next('error', (f) => f.id === 'm4')
    assert.equal(error.status, 400)
    assert.match(error.detail, /__proto__/)
    client.send({ msg: 'ping', id: 'still' })
    await client.next('pong', (f) => f.id === 'still')
  })
})
