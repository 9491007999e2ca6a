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
  const run = mode === 'one' ? mingoUpdateOne : mingoUpdateMany
  const context = `filter ${JSON.stringify(filter)} update ${JSON.stringify(update)}`
  let result: Awaited<ReturnType<Collection['updateMany']>>
  try {
    result =
      mode === 'one'
        ? await collection.updateOne(filter, update)
        : await collection.updateMany(filter, update)
  } catch (error) {
    // MongoDB refuses these updates (conflicting paths, $inc on a string, ...); the
    // store must then have written nothing at all, and mingo must refuse the same update.
    assert.ok(error instanceof UpdateError, `unexpected ${String(error)}`)
    assert.deepStrictEqual(await everything(collection), before)
    const mingoRefused = (() => {
      try {
        run(plain(docs), filter, update as never)
        return false
      } catch {
        return true
      }
    })()
    const pinned = mingoRefused || mongoRefusesWhereMingoAccepts(docs, filter, error.message)
    assert.ok(pinned, `the store refused what mingo accepts (${error.message}): ${context}`)
    return
  }
  const expected = plain(docs)
  const counts = run(expected, filter, update as never)
  assert.deepStrictEqual(await everything(collection), plain(expected), context)
  assert.equal(result.matchedCount, counts.matchedCount, context)
}

/**
 * Refusals MongoDB makes and mingo does not, each pinned with the value that causes it: a
 * matched document must really hold that value at the path the message names, so any
 * other refusal still has to agree with mingo.
 */
const mingoAccepts: [RegExp, (value: unknown) => boolean][] = [
  // An array operator on a field that holds something else.
  [/^\$(?:push|addToSet|pop|pull|pullAll) needs an array at '([^']+)', found /, (v) => !Array.isArray(v)],
  // A field created inside a scalar, or by name inside an array.
  [/^Cannot create field '[^']+' in element \{[^}]*\}: '([^']+)' is not a document/, (v) => !isContainer(v)],
  [/^Cannot create field '[^']+' in an array at '([^']+)'/, (v) => Array.isArray(v)],
  // Arithmetic on a value that is not a number.
  [/^Cannot apply \$(?:inc|mul) to a value of non-numeric type at '([^']+)'/, (v) => typeof v !== 'number'],
]

function mongoRefusesWhereMingoAccepts(docs: Doc[], filter: Doc, message: string): boolean {
  for (const [pattern, causes] of mingoAccepts) {
    const named = pattern.exec(message)
    if (!named) continue
    const path = named[1].split('.')
    const at = (doc: unknown): unknown =>
      path.reduce<unknown>((value, key) => (isContainer(value) ? (value as Doc)[key] : undefined), doc)
    return mingoQuery(docs, filter).some((doc) => {
      const value = at(doc)
      return value !== undefined && causes(value)
    })
  }
  return false
}

function isContainer(value: unknown): boolean {
  return typeof value === 'object' && value !== null
}
