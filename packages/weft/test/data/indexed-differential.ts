// Pushdown check for the SQL stores: with indexes on every generated path (so the SQL
// side of a query really runs, index-served, and exact plans with ORDER BY / LIMIT are
// taken), a SQL store must answer exactly as the memory store does.

import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import fc from 'fast-check'
import { type Collection, connect, type Db } from 'weftjs/data'
import * as arb from './arbitraries.ts'

type Doc = Record<string, unknown>

const indexedPaths = ['a', 'b', 'c', 's', 'n', 'a.x', 'b.x', 'c.x', 'n.x', 'n.y']

// Filters that pin a sort key to numbers, so SQL can sort and page on its own.
const numericSort = fc
  .tuple(
    fc.constantFrom('s', 'n.x', 'n.y'),
    fc.constantFrom(1 as const, -1 as const),
    fc.constantFrom('$gt', '$gte', '$lt', '$lte'),
    fc.integer({ min: -3, max: 3 }),
  )
  .map(([path, direction, op, bound]) => ({ path, direction, range: { [path]: { [op]: bound } } }))

const page = fc.record({ skip: fc.nat(3), limit: fc.nat(4) })

// Sort keys the filter does not pin: `v` is mostly a number with many ties (so SQL sorts
// and pages, checking every candidate holds a number), sometimes missing, a string or an
// array (so the check must send the query to JavaScript); `w` is a string (SQL cannot
// order it: ties on `v` are ordered in JavaScript).
const unpinnedDocs = fc
  .array(
    fc.record(
      {
        g: fc.integer({ min: 0, max: 3 }),
        v: fc.oneof(
          { weight: 12, arbitrary: fc.integer({ min: -2, max: 2 }) },
          { weight: 1, arbitrary: fc.constantFrom('x', 1.5, null) },
          { weight: 1, arbitrary: fc.constant([1, -1]) },
        ),
        w: fc.constantFrom('a', 'b', 'B', 'é'),
      },
      { requiredKeys: ['g', 'w'] },
    ),
    { maxLength: 14 },
  )
  .map((docs) => docs.map((doc, i) => ({ _id: i + 1, ...doc })))

// String ids under numeric ties: plain ids, which SQL orders itself when `_id` closes the
// sort (DEL included: JSON leaves it as it is), beside ids SQL would order differently (a
// quote, a backslash, a control character, non-ASCII, 'ab!' before 'ab' by bytes with the
// quotes kept) and a number, which send it to JavaScript.
const stringIdDocs = fc
  .uniqueArray(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom('a', 'ab', 'ab!', 'B', 'b', '10', '9', 'z', '~', ' x', 'a\u007f'),
      },
      { weight: 1, arbitrary: fc.constantFrom('a"b', 'a\\b', 'a\u0001', 'é', 12) },
    ),
    { maxLength: 10 },
  )
  .chain((ids) =>
    fc.tuple(...ids.map((id) => fc.integer({ min: -1, max: 1 }).map((v) => ({ _id: id, g: 1, v })))),
  )

const idClosedSort = fc.constantFrom<Record<string, 1 | -1>>(
  { v: 1, _id: 1 },
  { v: -1, _id: 1 },
  { v: 1, _id: -1 },
  { v: -1, _id: -1 },
)

const unpinnedSort = fc.constantFrom<Record<string, 1 | -1>>(
  { v: 1 },
  { v: -1 },
  { v: 1, _id: -1 },
  { v: -1, _id: 1 },
  { v: -1, w: 1 },
  { v: 1, w: -1, _id: -1 },
)

async function reset(collections: Collection[], docs: Doc[]): Promise<void> {
  for (const collection of collections) {
    await collection.deleteMany({})
    if (docs.length > 0) await collection.insertMany(structuredClone(docs))
  }
}

/** Registers the subtests on `t`; `makeDb` connects to the SQL store under test. */
export async function runIndexedDifferential(t: TestContext, makeDb: () => Promise<Db>, numRuns = 150) {
  const db = await makeDb()
  const memory = await connect('memory:')
  const name = `indexed_${Date.now().toString(36)}`
  const sql = db.collection(name)
  const reference = memory.collection(name)
  for (const path of indexedPaths) await sql.createIndex({ [path]: 1 })
  // Both directions on one sort path, one direction on the others: sorts run with and
  // against the index direction.
  await sql.createIndex({ 'n.x': -1 })
  const both = [sql, reference]
  const same = async (run: (collection: Collection) => Promise<unknown>, context: string) => {
    assert.deepStrictEqual(JSON.parse(JSON.stringify(await run(sql))), await run(reference), context)
  }
  try {
    await t.test('indexed filters, sorts and pages answer like the memory store', async () => {
      await fc.assert(
        fc.asyncProperty(
          arb.documents,
          arb.filter,
          arb.sort,
          page,
          async (docs, filter, sort, { skip, limit }) => {
            await reset(both, docs)
            await same(
              (c) => c.find(filter, { sort, skip, limit }).toArray(),
              JSON.stringify({ filter, sort }),
            )
            await same((c) => c.find(filter, { limit }).toArray(), JSON.stringify({ filter, limit }))
            await same((c) => c.countDocuments(filter), JSON.stringify({ count: filter }))
          },
        ),
        { numRuns },
      )
    })

    await t.test(
      'an array at an indexed path is found when only it matches, beside an unindexed condition',
      async () => {
        // The indexed condition stays plain (its array check runs once over the table), so
        // the plain statement reads no row here: the store must see why and look again.
        await reset(both, [
          { _id: 1, a: [1, 2], u: 5 },
          { _id: 2, a: 3, u: 5 },
          { _id: 3, a: { x: [7] }, u: 6 },
        ])
        for (const filter of [
          { a: 1, u: { $gt: 4 } },
          { 'a.x': 7, u: { $gte: 6 } },
        ]) {
          await same((c) => c.find(filter).toArray(), JSON.stringify(filter))
          await same((c) => c.find(filter, { sort: { u: -1 }, limit: 1 }).toArray(), JSON.stringify(filter))
          await same((c) => c.countDocuments(filter), JSON.stringify({ count: filter }))
        }
        assert.equal(await sql.countDocuments({ a: 1, u: { $gt: 4 } }), 1)
      },
    )

    await t.test('a numeric range with sort, skip and limit pages like the memory store', async () => {
      await fc.assert(
        fc.asyncProperty(
          arb.documents,
          arb.filter,
          numericSort,
          page,
          async (docs, filter, order, { skip, limit }) => {
            await reset(both, docs)
            const query = { $and: [order.range, filter] }
            const sort = { [order.path]: order.direction }
            await same(
              (c) => c.find(order.range, { sort, skip, limit }).toArray(),
              JSON.stringify({ order, skip }),
            )
            await same((c) => c.find(query, { sort, skip, limit }).toArray(), JSON.stringify({ query, sort }))
          },
        ),
        { numRuns },
      )
    })

    await t.test('a closing _id is ordered like the memory store, plain string ids or not', async () => {
      await fc.assert(
        fc.asyncProperty(stringIdDocs, idClosedSort, page, async (docs, sort, { skip, limit }) => {
          await reset(both, docs)
          const context = JSON.stringify({ sort, skip, limit })
          await same((c) => c.find({ g: 1 }, { sort, skip, limit }).toArray(), context)
          await same((c) => c.find({}, { sort, skip, limit }).toArray(), context)
        }),
        { numRuns },
      )
    })

    await t.test('sort and limit on keys the filter does not pin page like the memory store', async () => {
      await fc.assert(
        fc.asyncProperty(
          unpinnedDocs,
          fc.integer({ min: 0, max: 3 }),
          unpinnedSort,
          page,
          async (docs, g, sort, { skip, limit }) => {
            await reset(both, docs)
            const context = JSON.stringify({ g, sort, skip, limit })
            await same((c) => c.find({ g: { $gte: g } }, { sort, skip, limit }).toArray(), context)
            await same((c) => c.find({}, { sort, skip, limit }).toArray(), context)
          },
        ),
        { numRuns },
      )
    })

    await t.test('indexed updateOne and deleteOne pick the same document as the memory store', async () => {
      await fc.assert(
        fc.asyncProperty(arb.documents, arb.filter, async (docs, filter) => {
          await reset(both, docs)
          await same((c) => c.updateOne(filter, { $set: { d: 'hit' } }), JSON.stringify(filter))
          await same((c) => c.deleteOne(filter), JSON.stringify(filter))
          await same((c) => c.find({}).toArray(), JSON.stringify(filter))
        }),
        { numRuns },
      )
    })
  } finally {
    await sql.deleteMany({})
    await db.close()
    await memory.close()
  }
}
