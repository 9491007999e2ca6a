import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runIndexedDifferential } from './indexed-differential.ts'

test('with indexes, the memory store answers as it does without them', async (t) => {
  await runIndexedDifferential(t, () => connect('memory:'))
})

test('an index finds array elements, documents inside arrays, and equal numbers', async () => {
  const db = await connect('memory:')
  const items = db.collection('items')
  await items.createIndex({ tags: 1 })
  await items.createIndex({ 'parts.size': 1 })
  await items.createIndex({ n: 1 })
  await items.insertMany([
    { _id: 1, tags: ['a', 'b'], parts: [{ size: 3 }, { size: 5 }], n: -0 },
    { _id: 2, tags: 'a', parts: { size: 5 }, n: 0 },
    { _id: 3, tags: [['a']], parts: [{ size: [4, 6] }], n: Number.NaN },
    { _id: 4, n: 2n },
  ])
  const ids = async (filter: Record<string, unknown>) =>
    (await items.find(filter).toArray()).map((doc) => doc._id)
  assert.deepEqual(await ids({ tags: 'a' }), [1, 2])
  assert.deepEqual(await ids({ tags: { $in: ['b', 'z'] } }), [1])
  assert.deepEqual(await ids({ 'parts.size': 5 }), [1, 2])
  assert.deepEqual(await ids({ 'parts.size': { $gt: 4, $lte: 6 } }), [1, 2, 3])
  assert.deepEqual(await ids({ n: 0 }), [1, 2])
  assert.deepEqual(await ids({ n: Number.NaN }), [3])
  assert.deepEqual(await ids({ n: 2 }), [4])
  assert.deepEqual(await ids({ n: { $gte: 1 } }), [4])
  await db.close()
})

test('indexes follow updates, deletes and a rolled-back transaction', async () => {
  const db = await connect('memory:')
  const users = db.collection('users')
  await users.createIndex({ age: 1 })
  await users.insertMany([
    { _id: 'a', age: 30 },
    { _id: 'b', age: 40 },
  ])
  await users.updateOne({ _id: 'a' }, { $set: { age: 41 } })
  assert.deepEqual(await users.find({ age: 30 }).toArray(), [])
  assert.deepEqual(
    (await users.find({ age: { $gt: 35 } }).toArray()).map((doc) => doc._id),
    ['a', 'b'],
    'insertion order, not index order',
  )
  await users.deleteOne({ age: 40 })
  assert.deepEqual(await users.find({ age: 40 }).toArray(), [])
  await assert.rejects(
    db.transaction(async () => {
      await users.updateOne({ _id: 'a' }, { $set: { age: 50 } })
      await users.insertOne({ _id: 'c', age: 50 })
      throw new Error('roll back')
    }),
  )
  assert.deepEqual(await users.find({ age: 50 }).toArray(), [])
  assert.deepEqual(await users.find({ age: 41 }).toArray(), [{ _id: 'a', age: 41 }])
  await db.close()
})
