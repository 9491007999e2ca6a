// Sort order across types and arrays, paging, and projections, as MongoDB does them.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { connect } from 'weftjs/data'

async function seeded(docs: Record<string, unknown>[]) {
  const db = await connect('memory:')
  const items = db.collection('items')
  await items.insertMany(docs.map((doc, i) => ({ _id: i + 1, ...doc })))
  return items
}

async function order(docs: Record<string, unknown>[], sort: Record<string, 1 | -1>) {
  const items = await seeded(docs)
  return (await items.find({}, { sort: { ...sort, _id: 1 } }).toArray()).map((doc) => doc._id)
}

describe('sort', () => {
  test('types order as MongoDB: missing = null < numbers < strings < documents < arrays < booleans < dates', async () => {
    const docs = [
      { v: true },
      { v: new Date(0) },
      { v: 'a' },
      { v: 2 },
      { v: null },
      {},
      { v: { x: 1 } },
      { v: [[1]] },
    ]
    assert.deepEqual(await order(docs, { v: 1 }), [5, 6, 4, 3, 7, 8, 1, 2])
  })

  test('arrays sort by their smallest element ascending and largest descending', async () => {
    const docs = [{ a: [3, 1] }, { a: [2] }, { a: 1.5 }, { a: [] }, {}, { a: ['a', 0] }]
    assert.deepEqual(await order(docs, { a: 1 }), [4, 5, 6, 1, 3, 2])
    assert.deepEqual(await order(docs, { a: -1 }), [6, 1, 2, 3, 5, 4])
  })

  test('documents compare value type before field name', async () => {
    const docs = [{ a: { x: [] } }, { a: { y: 0 } }, { a: { x: 1 } }, { a: { x: 1, y: 1 } }]
    assert.deepEqual(await order(docs, { a: 1 }), [3, 4, 2, 1])
  })

  test('dotted sort paths reach into arrays of documents; missing counts as null', async () => {
    const docs = [{ a: [{ x: 5 }, { x: 1 }] }, { a: [{ x: 3 }] }, { a: [{ y: 1 }, { x: 9 }] }]
    assert.deepEqual(await order(docs, { 'a.x': 1 }), [3, 1, 2])
    assert.deepEqual(await order(docs, { 'a.x': -1 }), [3, 1, 2])
  })

  test('skip and limit apply after the sort', async () => {
    const items = await seeded([{ n: 3 }, { n: 1 }, { n: 2 }, { n: 5 }])
    const page = await items.find({}, { sort: { n: -1 }, skip: 1, limit: 2 }).toArray()
    assert.deepEqual(
      page.map((doc) => doc.n),
      [3, 2],
    )
    const chained = await items.find({}).sort({ n: 1 }).skip(1).limit(1).toArray()
    assert.deepEqual(
      chained.map((doc) => doc.n),
      [2],
    )
    assert.throws(() => items.find({}, { limit: -1 }).toArray(), /limit must be a whole number/)
  })
})

describe('projection', () => {
  test('inclusion keeps _id unless excluded', async () => {
    const items = await seeded([{ a: 1, b: 2, c: { d: 3, e: 4 } }])
    assert.deepEqual(await items.findOne({}, { projection: { a: 1, 'c.d': 1 } }), {
      _id: 1,
      a: 1,
      c: { d: 3 },
    })
    assert.deepEqual(await items.findOne({}, { projection: { a: 1, _id: 0 } }), { a: 1 })
  })

  test('exclusion drops the listed fields, nested too', async () => {
    const items = await seeded([{ a: 1, b: 2, c: { d: 3, e: 4 } }])
    assert.deepEqual(await items.findOne({}, { projection: { b: 0, 'c.d': 0 } }), {
      _id: 1,
      a: 1,
      c: { e: 4 },
    })
    assert.deepEqual(await items.findOne({}, { projection: { _id: 0 } }), { a: 1, b: 2, c: { d: 3, e: 4 } })
  })

  test('dotted projections go through arrays of documents', async () => {
    const items = await seeded([{ a: [{ x: 1, y: 2 }, 3, { y: 4 }] }])
    assert.deepEqual(await items.findOne({}, { projection: { 'a.x': 1 } }), { _id: 1, a: [{ x: 1 }, {}] })
    assert.deepEqual(await items.findOne({}, { projection: { 'a.x': 0 } }), {
      _id: 1,
      a: [{ y: 2 }, 3, { y: 4 }],
    })
  })

  test('mixing inclusion and exclusion is refused', async () => {
    const items = await seeded([{ a: 1 }])
    await assert.rejects(items.findOne({}, { projection: { a: 1, b: 0 } }), {
      code: 'WEFT_DATA_BAD_QUERY',
      message: /cannot mix/,
    })
  })
})
