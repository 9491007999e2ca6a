// Operator injection: user input such as { "$ne": null } where a string was expected
// must never widen a query. See "Operator injection" in docs/data.md for the rule.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { connect, untrusted } from 'weftjs/data'

async function users() {
  const db = await connect('memory:')
  const collection = db.collection('users')
  await collection.insertMany([
    { _id: 1, name: 'alice', password: 'secret', roles: ['admin'] },
    { _id: 2, name: 'bob', password: 'hunter2', roles: [] },
  ])
  return collection
}

// What an attacker posts as JSON instead of a password string.
const injected = () => JSON.parse('{ "$ne": null }') as unknown

describe('refused by default', () => {
  test('input marked untrusted cannot supply operators, even directly under a field', async () => {
    const body = untrusted({ name: 'alice', password: injected() })
    const collection = await users()
    await assert.rejects(collection.findOne({ name: body.name, password: body.password }), {
      code: 'WEFT_DATA_OPERATOR_INJECTION',
      message: /\$ne|operator injection/,
    })
    await assert.rejects(collection.countDocuments(untrusted(JSON.parse('{ "$or": [{}] }'))), {
      code: 'WEFT_DATA_OPERATOR_INJECTION',
    })
  })

  test('an operator object in a value position is refused', async () => {
    const collection = await users()
    const cases = [
      { password: { $eq: injected() } },
      { name: { $in: ['alice', injected()] } },
      { name: { $nin: [injected()] } },
      { roles: { $all: [injected()] } },
      { profile: { email: injected() } },
      { name: { $gt: injected() } },
      { $or: [{ name: { $eq: injected() } }] },
      { roles: { $elemMatch: { $eq: injected() } } },
    ]
    for (const filter of cases) {
      await assert.rejects(
        collection.findOne(filter),
        { code: 'WEFT_DATA_OPERATOR_INJECTION' },
        JSON.stringify(filter),
      )
    }
  })

  test('the same checks guard updates, deletes, counts and watches', async () => {
    const collection = await users()
    const filter = { password: { $eq: injected() } }
    await assert.rejects(collection.updateOne(filter, { $set: { roles: ['admin'] } }), {
      code: 'WEFT_DATA_OPERATOR_INJECTION',
    })
    await assert.rejects(collection.deleteMany(filter), { code: 'WEFT_DATA_OPERATOR_INJECTION' })
    await assert.rejects(collection.countDocuments(filter), { code: 'WEFT_DATA_OPERATOR_INJECTION' })
    assert.throws(() => collection.watch(filter), { code: 'WEFT_DATA_OPERATOR_INJECTION' })
    assert.equal(await collection.countDocuments(), 2, 'nothing deleted')
  })

  test('written values may not carry $ field names', async () => {
    const collection = await users()
    await assert.rejects(collection.updateOne({ _id: 1 }, { $set: { profile: injected() } }), {
      code: 'WEFT_DATA_OPERATOR_INJECTION',
    })
    await assert.rejects(collection.insertOne({ name: 'eve', password: injected() } as never), {
      code: 'WEFT_DATA_BAD_FIELD',
    })
  })
})

describe('what stays allowed', () => {
  test('operators the developer writes work as in MongoDB', async () => {
    const collection = await users()
    assert.equal(await collection.countDocuments({ name: { $in: ['alice', 'bob'] }, roles: { $size: 1 } }), 1)
    assert.equal(await collection.countDocuments({ $or: [{ name: 'bob' }, { password: { $ne: null } }] }), 2)
  })

  test('untrusted plain values are fine: they only ever compare for equality', async () => {
    const body = untrusted(JSON.parse('{ "name": "alice", "password": "secret" }'))
    const collection = await users()
    assert.equal((await collection.findOne({ name: body.name, password: body.password }))?._id, 1)
  })

  test('{ allowOperators: true } opts in, for input that is meant to be a query', async () => {
    const collection = await users()
    const filter = untrusted(JSON.parse('{ "name": { "$in": ["alice", "bob"] } }'))
    assert.equal(await collection.countDocuments(filter, { allowOperators: true }), 2)
    const doc = await collection.findOne({ password: { $eq: injected() } }, { allowOperators: true })
    assert.equal(doc, null, 'with the opt-in, the object is compared as a value (no match), as MongoDB does')
  })
})
