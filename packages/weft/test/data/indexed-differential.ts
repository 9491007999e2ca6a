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
