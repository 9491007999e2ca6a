// Writes that fail write nothing: duplicate keys in insertMany, unique index clashes in
// updateMany, and transactions that throw.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect, DuplicateKeyError } from 'weftjs/data'

test('insertMany with a duplicate _id in the middle writes nothing', async () => {
  const db = await connect('memory:')
  const items = db.collection('items')
  await items.insertOne({ _id: 3, n: 0 })
  const error = await items
    .insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 4 }])
    .catch((e: unknown) => e)
  assert.ok(error instanceof DuplicateKeyError)
  assert.equal(error.code, 'WEFT_DATA_DUPLICATE_KEY')
  assert.equal(error.index, '_id_')
  assert.deepEqual(error.key, { _id: 3 })
  assert.equal(await items.countDocuments(), 1)
  await assert.rejects(items.insertMany([{ _id: 7 }, { _id: 7 }]), DuplicateKeyError)
  assert.equal(await items.countDocuments(), 1)
})

test('a unique index refuses clashes, with its name and key in the error', async () => {
  const db = await connect('memory:')
  const users = db.collection('users')
  assert.equal(await users.createIndex({ email: 1 }, { unique: true }), 'email_1')
  await users.insertOne({ _id: 1, email: 'a@x' })
  const error = await users.insertOne({ _id: 2, email: 'a@x' }).catch((e: unknown) => e)
  assert.ok(error instanceof DuplicateKeyError)
  assert.equal(error.index, 'email_1')
  assert.deepEqual(error.key, { email: 'a@x' })
  assert.match(error.message, /email_1/)
  await assert.rejects(
    users.insertMany([
      { _id: 3, email: 'b@x' },
      { _id: 4, email: 'b@x' },
    ]),
    DuplicateKeyError,
  )
  assert.equal(await users.countDocuments(), 1, 'a clash inside the batch writes nothing')
})

test('updateMany that would break a unique index changes nothing', async () => {
  const db = await connect('memory:')
  const users = db.collection('users')
  await users.createIndex({ slot: 1 }, { unique: true, name: 'slot_unique' })
  await users.insertMany([
    { _id: 1, slot: 1 },
    { _id: 2, slot: 2 },
    { _id: 3, slot: 3 },
  ])
  await assert.rejects(users.updateMany({ slot: { $gte: 2 } }, { $set: { slot: 9 } }), {
    index: 'slot_unique',
  })
  assert.deepEqual(
    (await users.find({}, { sort: { _id: 1 } }).toArray()).map((u) => u.slot),
    [1, 2, 3],
  )
  await users.updateMany({}, { $inc: { slot: 10 } })
  assert.deepEqual(
    (await users.find({}, { sort: { _id: 1 } }).toArray()).map((u) => u.slot),
    [11, 12, 13],
  )
})

test('unique indexes treat missing fields as null and index array elements', async () => {
  const db = await connect('memory:')
  const items = db.collection('items')
  await items.insertMany([{ _id: 1, tags: ['a', 'b'] }, { _id: 2 }])
  await assert.rejects(items.createIndex({ code: 1 }, { unique: true }), DuplicateKeyError)
  await items.createIndex({ tags: 1 }, { unique: true })
  await assert.rejects(items.insertOne({ _id: 3, tags: ['c', 'b'] }), { index: 'tags_1' })
})

test('a transaction that throws leaves nothing written, across collections', async () => {
  const db = await connect('memory:')
  const accounts = db.collection('accounts')
  const log = db.collection('log')
  await accounts.insertMany([
    { _id: 'a', balance: 10 },
    { _id: 'b', balance: 0 },
  ])
  await assert.rejects(
    db.transaction(async () => {
      await accounts.updateOne({ _id: 'a' }, { $inc: { balance: -10 } })
      await accounts.updateOne({ _id: 'b' }, { $inc: { balance: 10 } })
      await log.insertOne({ what: 'transfer' })
      throw new Error('payment provider said no')
    }),
    /payment provider said no/,
  )
  assert.deepEqual(
    (await accounts.find({}, { sort: { _id: 1 } }).toArray()).map((a) => a.balance),
    [10, 0],
  )
  assert.equal(await log.countDocuments(), 0)
})

test('a transaction commits its writes and returns its result', async () => {
  const db = await connect('memory:')
  const items = db.collection('items')
  const result = await db.transaction(async () => {
    await items.insertOne({ _id: 1 })
    return db.transaction(async () => items.countDocuments())
  })
  assert.equal(result, 1)
  assert.equal(await items.countDocuments(), 1)
})

test('writes outside a running transaction wait for it, so a rollback never loses them', async () => {
  const db = await connect('memory:')
  const items = db.collection('items')
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const failing = db.transaction(async () => {
    await items.insertOne({ _id: 'inside' })
    await gate
    throw new Error('rollback')
  })
  await new Promise((resolve) => setTimeout(resolve, 5))
  const outside = items.insertOne({ _id: 'outside' })
  release()
  await assert.rejects(failing, /rollback/)
  await outside
  assert.deepEqual(
    (await items.find({}).toArray()).map((doc) => doc._id),
    ['outside'],
  )
})
