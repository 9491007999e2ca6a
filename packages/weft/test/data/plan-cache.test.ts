// The SQL stores keep their find plans per filter shape (the filter with its values left
// out). The same shape comes back here with values the planner treats differently — 0 and
// 1 (which SQLite's JSON reads as false and true), booleans, null, strings starting with
// `[` or `{`, strings past U+D7FF, strings holding U+0000 or U+FFFD (which PostgreSQL
// compares in JavaScript), the empty string, ranges with and without 0 or 1, `$in` lists
// of other lengths — and every answer must be the memory store's. On PostgreSQL the checks
// built after the filter's parameters are renumbered; the same shapes cover them. A new
// index must change the plan (seen through explain()), and writes that put arrays where
// the plan assumed none must still be answered exactly.

import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { type Collection, type CollectionFindOptions, connect, type Db } from 'weftjs/data'
import { indexedPathsDialect } from '../../src/data/stores/postgres-dialect.ts'
import { type PlanTarget, planFind } from '../../src/data/stores/sql-find.ts'
import { PlanCache } from '../../src/data/stores/sql-plan-cache.ts'
import { withPostgres } from './postgres-env.ts'

const VALUES: unknown[] = [
  0,
  -0,
  1,
  0.5,
  -3,
  7,
  true,
  false,
  null,
  '',
  'x',
  '[1]',
  '{',
  '\u{1F600}',
  'é',
  'a\u0000b',
  'a\uFFFDb',
]

// Stored as JSON, -0 comes back as 0: it is asked for, not stored.
const DOCS = [
  ...VALUES.filter((a) => !Object.is(a, -0)).map((a, i) => ({ _id: i + 1, a, b: i % 3 })),
  { _id: 100, b: 1 },
  { _id: 101, a: { c: 1 }, b: 2 },
  { _id: 102, a: 2, b: 0 },
]

type Pair = { memory: Collection; sql: Collection }

async function pair(db: Db, indexed: boolean): Promise<Pair> {
  const memory = (await connect('memory:')).collection('items')
  const sql = db.collection('items')
  for (const docs of [memory, sql]) {
    if (indexed) await docs.createIndex({ a: 1 })
    await docs.insertMany(structuredClone(DOCS))
  }
  return { memory, sql }
}

async function same(
  { memory, sql }: Pair,
  filter: Record<string, unknown>,
  options: CollectionFindOptions = {},
) {
  const what = `${JSON.stringify(filter, (_, v) => (Object.is(v, -0) ? '-0' : v))} ${JSON.stringify(options)}`
  const sorted: CollectionFindOptions = 'sort' in options ? options : { ...options, sort: { _id: 1 } }
  assert.deepEqual(
    await sql.find(filter, sorted).toArray(),
    await memory.find(filter, sorted).toArray(),
    what,
  )
  assert.equal(await sql.countDocuments(filter), await memory.countDocuments(filter), `count ${what}`)
}

/** Every shape below, each with every value (or pair of values) in turn. */
async function everyShape(both: Pair) {
  for (const value of VALUES) {
    await same(both, { a: value })
    await same(both, { a: { $eq: value } })
    await same(both, { a: { $exists: value } })
    await same(both, { a: value, b: { $gte: 1 } })
    await same(both, { $or: [{ a: value }, { b: 2 }] })
    await same(both, { _id: value })
    await same(both, { a: { $gte: value } }, { sort: { a: -1 }, limit: 3 })
    await same(both, { a: { $gt: value } }, { sort: { a: 1, _id: 1 }, limit: 4, skip: 1 })
    for (const upper of VALUES) {
      await same(both, { a: { $gte: value, $lt: upper } })
      await same(both, { a: { $gt: value, $lte: upper } }, { sort: { a: -1 }, limit: 2 })
      await same(both, { a: { $in: [value, upper] } })
      await same(both, { _id: { $in: [value, upper] } })
    }
  }
  for (let length = 1; length <= VALUES.length; length++)
    await same(both, { a: { $in: VALUES.slice(0, length) } })
}

/** The tests every SQL store passes; `open` gives a fresh database of it. */
function plansKeptPerShape(open: (t: TestContext, body: (db: Db) => Promise<void>) => Promise<void>) {
  test('the same shape with values that need another plan answers like the memory store', async (t) => {
    await open(t, async (db) => everyShape(await pair(db, false)))
  })

  test('with an index on the path too', async (t) => {
    await open(t, async (db) => everyShape(await pair(db, true)))
  })

  test('writes that put arrays where the plan assumed none are still answered exactly', async (t) => {
    await open(t, async (db) => {
      const both = await pair(db, true)
      await same(both, { a: 7 })
      await same(both, { a: 7, b: { $gte: 1 } })
      await same(both, { a: { $gte: 1 } }, { sort: { a: -1 }, limit: 3 })
      for (const docs of [both.memory, both.sql]) await docs.insertMany([{ _id: 200, a: [7, 8], b: 1 }])
      await same(both, { a: 8 })
      await same(both, { a: 8, b: { $gte: 1 } })
      await same(both, { a: 99, b: { $gte: 1 } })
      await same(both, { a: { $gte: 2 } }, { sort: { a: -1 }, limit: 3 })
      // A count with no candidate still asks whether an array hides one.
      for (const docs of [both.memory, both.sql]) await docs.insertMany([{ _id: 201, a: [50], b: 5 }])
      await same(both, { a: 50, b: { $gte: 1 } })
      for (const docs of [both.memory, both.sql]) await docs.deleteMany({ _id: { $in: [200, 201] } })
      await same(both, { a: 7 })
    })
  })
}

describe('PostgreSQL plans kept per filter shape', () => {
  plansKeptPerShape((t, body) => withPostgres(t, 'plan_cache', body))

  test('a check built after other parameters is kept, its placeholders renumbered', () => {
    // Candidates checked row by row (a sort no index serves): their SQL is built after
    // whatever parameters the statement has by then, numbered on from there.
    const target: PlanTarget = { table: 't', arrayIndexed: new Set(['a']), tableChecks: true }
    const dialect = indexedPathsDialect(new Set(['a']))
    const plans = new PlanCache((filter, options) => planFind(filter, options, dialect, target), true)
    const options = { sort: { c: -1 }, limit: 3 } as const
    plans.plan({ a: { $gte: 5 } }, options)
    const cached = plans.plan({ a: { $gte: 9 } }, options)
    assert.ok(cached.memo, 'the second filter of the shape is answered from the cache')
    const planned = planFind({ a: { $gte: 9 } }, options, dialect, target)
    const after = (plan: typeof planned) => {
      const params: unknown[] = ['earlier']
      const sql = plan.kind === 'exact' ? plan.rowCheck?.candidates(params) : undefined
      return { sql, params }
    }
    assert.match(after(planned).sql ?? '', /\$2::jsonb/)
    assert.deepEqual(after(cached), after(planned))
  })
})

describe('SQLite plans kept per filter shape', () => {
  plansKeptPerShape(async (_t, body) => {
    const db = await connect('sqlite::memory:')
    try {
      await body(db)
    } finally {
      await db.close()
    }
  })

  test('createIndex changes the plan of a shape seen before; after dropIndex the answers stay right', async () => {
    const db = await connect('sqlite::memory:')
    const items = db.collection('items')
    await items.insertMany(structuredClone(DOCS))
    const rowChecked = /checks each for arrays/
    assert.deepEqual(await items.find({ a: 7 }).toArray(), [DOCS[4]])
    // Unindexed, the equality is tested element by element: no row needs checking.
    const unindexed = await items.find({ a: 8 }).explain()
    assert.match(unindexed.sql ?? '', /json_each/)
    assert.doesNotMatch(unindexed.note ?? '', rowChecked)
    await items.createIndex({ a: 1 })
    const indexed = await items.find({ a: 9 }).explain()
    assert.doesNotMatch(indexed.note ?? '', rowChecked)
    assert.doesNotMatch(indexed.sql ?? '', /json_each/)
    assert.match(indexed.sql ?? '', /NOT \(EXISTS/)
    assert.ok(indexed.indexes.includes('items.a_1'), String(indexed.indexes))
    assert.deepEqual(await items.find({ a: 7 }).toArray(), [DOCS[4]])
    await items.dropIndex('a_1')
    const dropped = await items.find({ a: 9 }).explain()
    assert.ok(!dropped.indexes.includes('items.a_1'), `explain() names a dropped index: ${dropped.indexes}`)
    assert.match(dropped.sql ?? '', /json_each/)
    assert.deepEqual(await items.find({ a: 7 }).toArray(), [DOCS[4]])
    assert.deepEqual(await items.find({ a: 7 }, { sort: { a: -1 }, limit: 1 }).toArray(), [DOCS[4]])
    await db.close()
  })
})
