// Comparisons on paths no index names run as element-wise SQL, with no array check per
// row: on PostgreSQL one SQL/JSON path predicate, on SQLite an `EXISTS` over `json_each`
// (top-level fields only). Each case here is a place where that could part from MongoDB:
// arrays, arrays of arrays, arrays of documents, mixed types, null, missing fields,
// tagged values (NaN, Infinity, dates), 1 beside true, 'Y' beside 'y'. The answers must be
// those of the in-memory store, and the SQL the element-wise form.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect, type Db } from 'weftjs/data'
import { withPostgres } from './postgres-env.ts'

const docs = [
  { _id: 1, n: 60 },
  { _id: 2, n: 10 },
  { _id: 3, n: [10, 60] },
  { _id: 4, n: [[60]] },
  { _id: 5, n: ['abc', 60] },
  { _id: 6, n: 'abc' },
  { _id: 7, n: null },
  { _id: 8 },
  { _id: 9, n: [] },
  { _id: 10, n: Number.NaN },
  { _id: 11, n: Number.POSITIVE_INFINITY },
  { _id: 12, n: Number.NEGATIVE_INFINITY },
  { _id: 13, n: new Date(60) },
  { _id: 14, n: { x: 60 } },
  { _id: 15, n: true },
  { _id: 16, n: 50.5 },
  { _id: 17, a: [{ b: 60 }, { b: 5 }] },
  { _id: 18, a: [{ b: [70] }, 3] },
  { _id: 19, a: { b: 60 } },
  { _id: 20, a: [[{ b: 60 }]] },
  { _id: 21, g: 'y', done: true },
  { _id: 22, g: ['x', 'y'], done: [false] },
  { _id: 23, g: [['y']], done: 'true' },
  { _id: 24, g: 'Y', done: 1 },
  { _id: 25, g: { y: 1 }, done: false },
]

const filters: Record<string, unknown>[] = [
  { n: { $gte: 50 } },
  { n: { $gt: 10 } },
  { n: { $lt: 50 } },
  { n: { $lte: 10 } },
  { n: { $gte: 50, $lt: 55 } },
  { n: { $gt: 20, $lt: 30 } },
  { n: 60 },
  { n: { $eq: 10 } },
  { n: { $in: [10, 50.5] } },
  { n: { $gte: 0, $in: [60] } },
  { 'a.b': { $gte: 50 } },
  { 'a.b': { $lt: 4 } },
  { 'a.b': 70 },
  { $or: [{ n: { $lt: 11 } }, { 'a.b': { $gt: 65 } }] },
  { n: { $gte: 50 }, 'a.b': { $exists: false } },
  { n: 'abc' },
  { g: 'y' },
  { g: { $in: ['x', 'Y'] } },
  { g: { $eq: 'x' }, done: false },
  { done: true },
  { done: { $in: [true, 1] } },
]

/** Checks every filter on `db` against the memory store; `form` tells whether and how a filter's SQL is element-wise. */
async function sameAsMemory(db: Db, form: (filter: Record<string, unknown>) => RegExp | null) {
  const memory = await connect('memory:')
  const stored = db.collection('things')
  const reference = memory.collection('things')
  await stored.insertMany(structuredClone(docs))
  await reference.insertMany(structuredClone(docs))
  for (const filter of filters) {
    const ids = async (collection: typeof stored) =>
      (await collection.find(filter, { sort: { _id: 1 } }).toArray()).map((doc) => doc._id)
    assert.deepEqual(await ids(stored), await ids(reference), JSON.stringify(filter))
    assert.equal(await stored.countDocuments(filter), await reference.countDocuments(filter))
    const plan = await stored.find(filter).explain()
    assert.equal(plan.pushdown, 'all', JSON.stringify(filter))
    const expected = form(filter)
    if (expected) assert.match(plan.sql ?? '', expected, JSON.stringify(filter))
  }
  // A sorted, limited window over an element-wise filter is still ordered by SQL.
  const top = { sort: { n: -1, _id: 1 }, limit: 3 } as const
  assert.deepEqual(
    await stored.find({ n: { $gt: 0 } }, top).toArray(),
    await reference.find({ n: { $gt: 0 } }, top).toArray(),
  )
  await memory.close()
}

test('PostgreSQL compares numbers, strings and booleans element by element as MongoDB does', async (t) => {
  await withPostgres(t, 'elementwise', (db) =>
    sameAsMemory(db, () => /jsonb_path_match\(doc, '\(?\$\."(n|a|g|done)"/),
  )
})

test('SQLite compares top-level fields element by element as MongoDB does', async () => {
  const db = await connect('sqlite::memory:')
  // `a.b` steps through arrays, which json_extract does not: it keeps the array checks.
  await sameAsMemory(db, (filter) =>
    JSON.stringify(filter).includes('a.b') ? null : /json_each\(doc, '\$\.(n|g|done)'\)/,
  )
  await db.close()
})

test('an indexed path keeps the comparison its index serves', async (t) => {
  await withPostgres(t, 'elementwise_indexed', async (db) => {
    const stored = db.collection('things')
    await stored.createIndex({ n: 1 })
    await stored.insertMany(structuredClone(docs))
    const plan = await stored.find({ n: { $gte: 50 } }).explain()
    assert.doesNotMatch(plan.sql ?? '', /jsonb_path_match/)
    assert.match(plan.sql ?? '', /doc #> '\{n\}'/)
    assert.ok(plan.indexes.includes('things.n_1'), plan.indexes.join(', '))
    const ids = (await stored.find({ n: { $gte: 50 } }, { sort: { _id: 1 } }).toArray()).map((doc) => doc._id)
    assert.deepEqual(ids, [1, 3, 5, 11, 16])
  })
})
