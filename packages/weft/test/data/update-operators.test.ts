// Update operators with MongoDB's results and refusals, through the public API.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { connect } from 'weftjs/data'

async function updated(doc: Record<string, unknown>, update: Record<string, unknown>) {
  const db = await connect('memory:')
  const items = db.collection('items')
  await items.insertOne({ _id: 1, ...doc })
  await items.updateOne({ _id: 1 }, update)
  const result = await items.findOne({ _id: 1 })
  await db.close()
  return result
}

async function refusal(doc: Record<string, unknown>, update: Record<string, unknown>) {
  const db = await connect('memory:')
  const items = db.collection('items')
  await items.insertOne({ _id: 1, ...doc })
  const error = await items.updateOne({ _id: 1 }, update).then(
    () => assert.fail('the update should be refused'),
    (e: unknown) => e as Error & { code: string },
  )
  assert.deepEqual(await items.findOne({ _id: 1 }), { _id: 1, ...doc }, 'nothing written')
  return error
}

describe('field operators', () => {
  test('$set and $unset, creating and removing nested fields', async () => {
    assert.deepEqual(await updated({ a: 1 }, { $set: { 'b.c': 2, a: 3 } }), { _id: 1, a: 3, b: { c: 2 } })
    assert.deepEqual(await updated({ a: 1, b: { c: 2, d: 3 } }, { $unset: { a: '', 'b.c': '' } }), {
      _id: 1,
      b: { d: 3 },
    })
  })

  test('$set on an array position pads with null; $unset of an element leaves null', async () => {
    assert.deepEqual(await updated({ a: [1] }, { $set: { 'a.3': 4 } }), { _id: 1, a: [1, null, null, 4] })
    assert.deepEqual(await updated({ a: [1, 2] }, { $unset: { 'a.0': '' } }), { _id: 1, a: [null, 2] })
    assert.deepEqual(await updated({ a: [{ b: 1 }] }, { $set: { 'a.0.b': 2 } }), { _id: 1, a: [{ b: 2 }] })
  })

  test('$inc and $mul, with a missing field starting from the operand or 0', async () => {
    assert.deepEqual(await updated({ n: 1 }, { $inc: { n: 2, m: 5 } }), { _id: 1, n: 3, m: 5 })
    assert.deepEqual(await updated({ n: 3 }, { $mul: { n: 2, m: 5 } }), { _id: 1, n: 6, m: 0 })
  })

  test('$min and $max compare in MongoDB type order', async () => {
    assert.deepEqual(await updated({ n: 5 }, { $min: { n: 3, m: 1 } }), { _id: 1, n: 3, m: 1 })
    assert.deepEqual(await updated({ n: 5 }, { $max: { n: 3 } }), { _id: 1, n: 5 })
    assert.deepEqual(await updated({ n: 5 }, { $max: { n: 'a' } }), { _id: 1, n: 'a' })
    assert.deepEqual(await updated({ n: [] }, { $min: { n: '' } }), { _id: 1, n: '' })
  })

  test('$rename moves a field, missing source is a no-op', async () => {
    assert.deepEqual(await updated({ a: 1, b: 2 }, { $rename: { a: 'c.d' } }), { _id: 1, b: 2, c: { d: 1 } })
    assert.deepEqual(await updated({ b: 2 }, { $rename: { a: 'c' } }), { _id: 1, b: 2 })
  })

  test('$currentDate sets a Date', async () => {
    const before = Date.now()
    const doc = await updated({}, { $currentDate: { at: true } })
    assert.ok(doc?.at instanceof Date && doc.at.getTime() >= before)
  })
})

describe('array operators', () => {
  test('$push with $each, $position, $slice and $sort', async () => {
    assert.deepEqual(await updated({}, { $push: { a: 1 } }), { _id: 1, a: [1] })
    assert.deepEqual(await updated({ a: [1] }, { $push: { a: { $each: [2, 3] } } }), { _id: 1, a: [1, 2, 3] })
    assert.deepEqual(await updated({ a: [1, 4] }, { $push: { a: { $each: [2, 3], $position: 1 } } }), {
      _id: 1,
      a: [1, 2, 3, 4],
    })
    assert.deepEqual(await updated({ a: [1, 2] }, { $push: { a: { $each: [3], $slice: -2 } } }), {
      _id: 1,
      a: [2, 3],
    })
    assert.deepEqual(await updated({ a: [3, 1] }, { $push: { a: { $each: [2], $sort: 1 } } }), {
      _id: 1,
      a: [1, 2, 3],
    })
    const scores = await updated(
      { s: [{ v: 2 }] },
      { $push: { s: { $each: [{ v: 5 }, { v: 1 }], $sort: { v: -1 }, $slice: 2 } } },
    )
    assert.deepEqual(scores, { _id: 1, s: [{ v: 5 }, { v: 2 }] })
  })

  test('$push: a negative $position counts from the end, $slice 0 empties, a negative $slice keeps the tail', async () => {
    const push = (a: unknown[], modifiers: Record<string, unknown>) =>
      updated({ a }, { $push: { a: { $each: ['x'], ...modifiers } } }).then((doc) => doc?.a)
    assert.deepEqual(await push([1, 2, 3], { $position: -1 }), [1, 2, 'x', 3])
    assert.deepEqual(await push([1, 2, 3], { $position: -2 }), [1, 'x', 2, 3])
    assert.deepEqual(await push([1, 2, 3], { $position: -9 }), ['x', 1, 2, 3])
    assert.deepEqual(await push([1, 2, 3], { $position: 9 }), [1, 2, 3, 'x'])
    assert.deepEqual(await push([1, 2, 3], { $slice: 0 }), [])
    assert.deepEqual(await push([1, 2, 3], { $slice: -1 }), ['x'])
    assert.deepEqual(await push([1, 2, 3], { $slice: -3 }), [2, 3, 'x'])
    assert.deepEqual(await push([1, 2, 3], { $slice: -9 }), [1, 2, 3, 'x'])
    assert.deepEqual(await push([1, 2, 3], { $slice: 2 }), [1, 2])
    assert.deepEqual(await push([1, 2, 3], { $position: 0, $slice: -2 }), [2, 3])
  })

  test('$addToSet adds only values not already there', async () => {
    assert.deepEqual(
      await updated({ a: [1, { b: 1 }] }, { $addToSet: { a: { $each: [1, 2, { b: 1 }, 2] } } }),
      {
        _id: 1,
        a: [1, { b: 1 }, 2],
      },
    )
  })

  test('$pull by value, by condition, and by a filter on documents', async () => {
    assert.deepEqual(await updated({ a: [1, 2, 1] }, { $pull: { a: 1 } }), { _id: 1, a: [2] })
    assert.deepEqual(await updated({ a: [1, 5, 9] }, { $pull: { a: { $gte: 5 } } }), { _id: 1, a: [1] })
    assert.deepEqual(await updated({ a: [{ k: 1, v: 2 }, { k: 2 }] }, { $pull: { a: { k: 1 } } }), {
      _id: 1,
      a: [{ k: 2 }],
    })
    assert.deepEqual(await updated({}, { $pull: { a: 1 } }), { _id: 1 })
    assert.deepEqual(await updated({ a: [1, 2, 3] }, { $pullAll: { a: [1, 3] } }), { _id: 1, a: [2] })
  })

  test('$pop removes the last (1) or first (-1) element', async () => {
    assert.deepEqual(await updated({ a: [1, 2, 3] }, { $pop: { a: 1 } }), { _id: 1, a: [1, 2] })
    assert.deepEqual(await updated({ a: [1, 2, 3] }, { $pop: { a: -1 } }), { _id: 1, a: [2, 3] })
  })
})

describe('refused updates leave the document unchanged', () => {
  test('changing _id', async () => {
    const error = await refusal({ a: 1 }, { $set: { _id: 2 } })
    assert.equal(error.code, 'WEFT_DATA_BAD_UPDATE')
    assert.match(error.message, /immutable field '_id'/)
    assert.match((await refusal({}, { $unset: { _id: '' } })).message, /immutable/)
  })

  test('conflicting paths', async () => {
    const error = await refusal({ a: { b: 1 } }, { $set: { a: 1 }, $inc: { 'a.b': 1 } })
    assert.match(error.message, /would create a conflict at 'a'/)
    assert.match((await refusal({ a: 1 }, { $set: { a: 1 }, $unset: { a: '' } })).message, /conflict/)
  })

  test('$inc on a non-number, $push on a non-array, a field inside a scalar', async () => {
    assert.match(
      (await refusal({ n: 'x' }, { $inc: { n: 1 } })).message,
      /Cannot apply \$inc to a value of non-numeric type/,
    )
    assert.match((await refusal({ n: 1 }, { $inc: { n: '1' } })).message, /needs a number/)
    assert.match((await refusal({ a: 1 }, { $push: { a: 2 } })).message, /needs an array/)
    assert.match((await refusal({ a: 5 }, { $set: { 'a.b': 1 } })).message, /Cannot create field 'b'/)
  })

  test('unknown update operators and replacement documents in updateOne', async () => {
    assert.equal((await refusal({}, { $foo: { a: 1 } })).code, 'WEFT_DATA_BAD_OPERATOR')
    assert.match((await refusal({}, { a: 1 })).message, /replaceOne/)
  })
})

describe('results and upserts', () => {
  test('matchedCount and modifiedCount count as MongoDB does', async () => {
    const db = await connect('memory:')
    const items = db.collection('items')
    await items.insertMany([
      { _id: 1, n: 1 },
      { _id: 2, n: 2 },
      { _id: 3, n: 2 },
    ])
    assert.deepEqual(await items.updateMany({}, { $set: { n: 2 } }), {
      matchedCount: 3,
      modifiedCount: 1,
      upsertedId: null,
    })
    assert.deepEqual(await items.updateOne({ n: 9 }, { $set: { n: 2 } }), {
      matchedCount: 0,
      modifiedCount: 0,
      upsertedId: null,
    })
  })

  test('an upsert inserts the filter equalities, the update and $setOnInsert', async () => {
    const db = await connect('memory:')
    const items = db.collection('items')
    const result = await items.updateOne(
      { sku: 'a1', 'size.h': 10, qty: { $gt: 1 }, $and: [{ color: { $eq: 'red' } }] },
      { $set: { price: 5 }, $setOnInsert: { created: true } },
      { upsert: true },
    )
    assert.equal(result.matchedCount, 0)
    assert.equal(typeof result.upsertedId, 'string')
    const doc = await items.findOne({ _id: result.upsertedId! })
    assert.deepEqual(doc, {
      _id: result.upsertedId,
      color: 'red',
      price: 5,
      size: { h: 10 },
      sku: 'a1',
      created: true,
    })
    await items.updateOne(
      { sku: 'a1' },
      { $set: { price: 6 }, $setOnInsert: { created: false } },
      { upsert: true },
    )
    assert.equal((await items.findOne({ sku: 'a1' }))?.created, true, '$setOnInsert applies only on insert')
    assert.equal(await items.countDocuments(), 1)
  })

  test('replaceOne keeps _id, refuses a different _id, and upserts with the filter _id', async () => {
    const db = await connect('memory:')
    const items = db.collection('items')
    await items.insertOne({ _id: 'k', a: 1, b: 2 })
    assert.equal((await items.replaceOne({ _id: 'k' }, { c: 3 })).modifiedCount, 1)
    assert.deepEqual(await items.findOne({ _id: 'k' }), { _id: 'k', c: 3 })
    await assert.rejects(items.replaceOne({ _id: 'k' }, { _id: 'other', c: 4 }), {
      code: 'WEFT_DATA_BAD_UPDATE',
    })
    assert.deepEqual(await items.replaceOne({ _id: 'new' }, { d: 1 }, { upsert: true }), {
      matchedCount: 0,
      modifiedCount: 0,
      upsertedId: 'new',
    })
    await assert.rejects(
      items.replaceOne({ _id: 'k' }, { $set: { a: 1 } }),
      /replaceOne needs a plain document/,
    )
  })
})
