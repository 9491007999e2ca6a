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

describe('operands MongoDB refuses', () => {
  // MongoDB: $currentDate takes true or { $type: 'date' | 'timestamp' }; a timestamp is
  // stored here as a Date, the only time type the stores keep.
  test("$currentDate's $type", async () => {
    const before = Date.now()
    for (const spec of [true, { $type: 'date' }, { $type: 'timestamp' }]) {
      const doc = await updated({}, { $currentDate: { at: spec } })
      assert.ok(doc?.at instanceof Date && doc.at.getTime() >= before, JSON.stringify(spec))
    }
    for (const spec of [false, 1, 'date', {}, { $type: 'Date' }, { $type: 'string' }]) {
      const error = await refusal({}, { $currentDate: { at: spec } })
      assert.equal(error.code, 'WEFT_DATA_BAD_UPDATE')
      assert.match(error.message, /\$currentDate for 'at' needs true or \{ \$type: 'date' \}/)
    }
  })

  test("$rename's target: a non-empty string, not _id, not through an array", async () => {
    for (const target of [5, '', null]) {
      assert.match(
        (await refusal({ a: 1 }, { $rename: { a: target } })).message,
        /\$rename target for 'a' must be a non-empty string/,
      )
    }
    assert.match((await refusal({ a: 1 }, { $rename: { _id: 'b' } })).message, /cannot rename _id/)
    assert.match((await refusal({ a: 1 }, { $rename: { a: '_id' } })).message, /cannot rename _id/)
    assert.match((await refusal({ a: 1 }, { $rename: { a: '_id.x' } })).message, /cannot rename _id/)
    assert.match(
      (await refusal({ a: [{ b: 1 }] }, { $rename: { 'a.0.b': 'c' } })).message,
      /through an array/,
    )
    assert.match((await refusal({ a: 1, c: [] }, { $rename: { a: 'c.0' } })).message, /through an array/)
    assert.match((await refusal({ a: 1, b: 2 }, { $rename: { a: 'b', b: 'c' } })).message, /conflict/)
    assert.deepEqual(await updated({ a: { b: 1 } }, { $rename: { 'a.b': 'c' } }), { _id: 1, a: {}, c: 1 })
  })

  // MongoDB: $, $[] and $[name] may stand in a path of any operator but $rename and
  // $setOnInsert; no other segment may start with $, and none may be empty.
  test('which paths may hold positional segments', async () => {
    const invalid = /is invalid: use field names, positions, or \$, \$\[\] and \$\[name\]/
    for (const update of [
      { $rename: { 'a.$[]': 'b' } },
      { $setOnInsert: { 'a.$[]': 1 } },
      { $set: { 'a..b': 1 } },
      { $set: { 'a.': 1 } },
      { $set: { $x: 1 } },
      { $set: { 'a.$x': 1 } },
      { $inc: { 'a.$bad]': 1 } },
    ]) {
      const error = await refusal({ a: [1, 2] }, update)
      assert.equal(error.code, 'WEFT_DATA_BAD_UPDATE', JSON.stringify(update))
      assert.match(error.message, invalid, JSON.stringify(update))
    }
    assert.deepEqual(await updated({ a: [1, 2] }, { $inc: { 'a.$[]': 10 } }), { _id: 1, a: [11, 12] })
    assert.deepEqual(await updated({ a: [1, 2] }, { $unset: { 'a.$[]': '' } }), { _id: 1, a: [null, null] })
    assert.deepEqual(await updated({ a: [[1], [2]] }, { $push: { 'a.$[]': 0 } }), {
      _id: 1,
      a: [
        [1, 0],
        [2, 0],
      ],
    })
  })

  test('$each, $position, $slice and $sort take what MongoDB takes', async () => {
    for (const [push, message] of [
      [{ $each: 1 }, /\$each needs an array/],
      [{ $each: [1], $position: 1.5 }, /\$position needs a whole number/],
      [{ $each: [1], $slice: '1' }, /\$slice needs a whole number/],
      [{ $each: [1], $sort: 'up' }, /\$sort in \$push needs 1, -1 or a sort object/],
    ] as const) {
      assert.match((await refusal({ a: [] }, { $push: { a: push } })).message, message)
    }
    assert.match((await refusal({ a: [] }, { $pop: { a: 2 } })).message, /\$pop needs 1/)
    assert.match((await refusal({ a: [] }, { $pullAll: { a: 1 } })).message, /\$pullAll needs an array/)
    assert.match(
      (await refusal({ a: 1 }, { $addToSet: { a: 2 } })).message,
      /\$addToSet needs an array at 'a'/,
    )
  })
})

describe('update documents and field order', () => {
  // MongoDB 5+: fields an update creates appear in path order, whatever the update's order.
  test('new fields are written in path order', async () => {
    const doc = await updated({}, { $set: { z: 1, 'm.b': 1, a: 1 }, $inc: { 'm.a': 1, c: 1 } })
    assert.deepEqual(Object.keys(doc ?? {}), ['_id', 'a', 'c', 'm', 'z'])
    assert.deepEqual(Object.keys((doc?.m ?? {}) as object), ['a', 'b'])
  })

  test('an operator needs an object of fields', async () => {
    for (const update of [{ $set: 5 }, { $inc: [1] }, { $unset: 'a' }]) {
      assert.match((await refusal({ a: 1 }, update)).message, /needs an object of fields/)
    }
  })

  test('an upsert seeds only equalities, not other operators, regular expressions or $or', async () => {
    const db = await connect('memory:')
    const items = db.collection('items')
    const { upsertedId } = await items.updateOne(
      { a: /x/, b: { $in: [1] }, $or: [{ c: 1 }], d: { $eq: 2 }, e: { f: 1 } },
      { $set: { g: 1 } },
      { upsert: true },
    )
    assert.deepEqual(await items.findOne({ _id: upsertedId! }), { _id: upsertedId, d: 2, e: { f: 1 }, g: 1 })
    const replaced = await items.replaceOne({ k: 1 }, { _id: 'given', v: 1 }, { upsert: true })
    assert.equal(replaced.upsertedId, 'given')
    await db.close()
  })
})
