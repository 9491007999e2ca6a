// Differential checks: a store must answer generated filters, sorts, projections and
// updates exactly as mingo (an independent implementation of MongoDB's query language)
// does. Every store runs the same checks: `await runDifferential(t, () => connect(url))`.

import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import fc from 'fast-check'
import { find as mingoFind, updateMany as mingoUpdateMany, updateOne as mingoUpdateOne } from 'mingo'
import { type Collection, type Db, UpdateError } from 'weftjs/data'
import * as arb from './arbitraries.ts'

export interface DifferentialOptions {
  /** Runs per property (default 150). */
  numRuns?: number
  seed?: number
}

type Doc = Record<string, unknown>

// JSON round trip: -0 and 0 compare equal in MongoDB, and SQL stores keep JSON anyway.
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value))

async function reset(collection: Collection, docs: Doc[]): Promise<void> {
  await collection.deleteMany({})
  if (docs.length > 0) await collection.insertMany(plain(docs) as Doc[])
}

async function everything(collection: Collection): Promise<Doc[]> {
  return plain(await collection.find({}, { sort: { _id: 1 } }).toArray())
}

function mingoQuery(
  docs: Doc[],
  filter: Doc,
  sort?: Doc,
  skip?: number,
  limit?: number,
  projection?: Doc,
): Doc[] {
  let cursor = mingoFind(plain(docs), filter, projection)
  if (sort) cursor = cursor.sort(sort as Record<string, 1 | -1>)
  if (skip) cursor = cursor.skip(skip)
  if (limit) cursor = cursor.limit(limit)
  return plain(cursor.all() as Doc[])
}

/** Registers the differential subtests on `t` against the Db that `makeDb` returns. */
export async function runDifferential(
  t: TestContext,
  makeDb: () => Promise<Db>,
  options: DifferentialOptions = {},
): Promise<void> {
  const params = { numRuns: options.numRuns ?? 150, seed: options.seed }
  const db = await makeDb()
  const collection = db.collection(`differential_${Date.now().toString(36)}`)
  try {
    await t.test('find with a filter returns what mingo returns, in order', async () => {
      await fc.assert(
        fc.asyncProperty(arb.documents, arb.filter, arb.sort, async (docs, filter, sort) => {
          await reset(collection, docs)
          const actual = plain(await collection.find(filter, { sort }).toArray())
          assert.deepStrictEqual(actual, mingoQuery(docs, filter, sort), `filter ${JSON.stringify(filter)}`)
        }),
        params,
      )
    })

    await t.test('sort, skip, limit and projection match mingo', async () => {
      const page = fc.record({ skip: fc.nat(4), limit: fc.nat(5) })
      await fc.assert(
        fc.asyncProperty(
          arb.documents,
          arb.sort,
          page,
          arb.projection,
          async (docs, sort, { skip, limit }, projection) => {
            await reset(collection, docs)
            const actual = plain(await collection.find({}, { sort, skip, limit, projection }).toArray())
            assert.deepStrictEqual(actual, mingoQuery(docs, {}, sort, skip, limit, projection))
          },
        ),
        params,
      )
    })

    await t.test('countDocuments matches mingo', async () => {
      await fc.assert(
        fc.asyncProperty(arb.documents, arb.filter, async (docs, filter) => {
          await reset(collection, docs)
          assert.equal(await collection.countDocuments(filter), mingoQuery(docs, filter).length)
        }),
        params,
      )
    })

    await t.test('updateMany gives the documents mingo gives, or fails leaving all unchanged', async () => {
      await fc.assert(
        fc.asyncProperty(arb.documents, arb.filter, arb.update, async (docs, filter, update) => {
          await checkUpdate(collection, docs, filter, update, 'many')
        }),
        params,
      )
    })

    await t.test('updateOne changes the first match as mingo does', async () => {
      await fc.assert(
        fc.asyncProperty(arb.documents, arb.filter, arb.update, async (docs, filter, update) => {
          await checkUpdate(collection, docs, filter, update, 'one')
        }),
        params,
      )
    })

    await t.test('deleteMany removes what mingo matches', async () => {
      await fc.assert(
        fc.asyncProperty(arb.documents, arb.filter, async (docs, filter) => {
          await reset(collection, docs)
          const removed = await collection.deleteMany(filter)
          const kept = mingoQuery(docs, { $nor: [filter] }, { _id: 1 })
          assert.equal(removed, docs.length - kept.length)
          assert.deepStrictEqual(await everything(collection), kept)
        }),
        params,
      )
    })
  } finally {
    await collection.deleteMany({})
    await db.close()
  }
}

async function checkUpdate(
  collection: Collection,
  docs: Doc[],
  filter: Doc,
  update: Doc,
  mode: 'one' | 'many',
): Promise<void> {
  await reset(collection, docs)
  const before = await everything(collection)
  let result: Awaited<ReturnType<Collection['updateMany']>>
  try {
    result =
      mode === 'one'
        ? await collection.updateOne(filter, update)
        : await collection.updateMany(filter, update)
  } catch (error) {
    // MongoDB refuses these updates (conflicting paths, $inc on a string, ...); the
    // store must then have written nothing at all.
    assert.ok(error instanceof UpdateError, `unexpected ${String(error)}`)
    assert.deepStrictEqual(await everything(collection), before)
    return
  }
  const expected = plain(docs)
  const run = mode === 'one' ? mingoUpdateOne : mingoUpdateMany
  const counts = run(expected, filter, update as never)
  const context = `filter ${JSON.stringify(filter)} update ${JSON.stringify(update)}`
  assert.deepStrictEqual(await everything(collection), plain(expected), context)
  assert.equal(result.matchedCount, counts.matchedCount, context)
}
