// Differential check for aggregation: a store's `aggregate()` must give what mingo's
// aggregator gives for generated pipelines (with the $match/$sort/$skip/$limit prefix
// pushed down to the store's find path). Every store runs it:
// `await runAggregateDifferential(t, () => connect(url))`.

import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import fc from 'fast-check'
import { aggregate as mingoAggregate } from 'mingo'
import { type Collection, connect, type Db } from 'weftjs/data'
import * as arb from './aggregate-arbitraries.ts'

type Doc = Record<string, unknown>

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value))

async function reset(collection: Collection, docs: Doc[]): Promise<void> {
  await collection.deleteMany({})
  if (docs.length > 0) await collection.insertMany(plain(docs))
}

function expected(docs: Doc[], foreign: Doc[], pipeline: Doc[]): Doc[] {
  // mingo changes documents in place ($addFields): give it copies.
  const out = mingoAggregate(plain(docs), plain(pipeline), {
    collectionResolver: () => plain(foreign),
  }) as Doc[]
  return plain(out)
}

export async function runAggregateDifferential(
  t: TestContext,
  makeDb: () => Promise<Db>,
  options: { numRuns?: number; seed?: number; pushesGroups?: boolean } = {},
): Promise<void> {
  const params = { numRuns: options.numRuns ?? 150, seed: options.seed }
  const db = await makeDb()
  const suffix = Date.now().toString(36)
  const collection = db.collection(`aggregate_${suffix}`)
  const foreign = db.collection(`aggregate_foreign_${suffix}`)
  try {
    await t.test('aggregate() gives what mingo gives for generated pipelines', async () => {
      await fc.assert(
        fc.asyncProperty(
          arb.documents,
          arb.foreignDocuments,
          arb.pipeline,
          async (docs, others, pipeline) => {
            await reset(collection, docs)
            await reset(foreign, others)
            const ours = JSON.parse(
              JSON.stringify(pipeline).replaceAll('"from":"foreign"', `"from":"${foreign.name}"`),
            )
            const actual = plain(await collection.aggregate(ours).toArray())
            assert.deepStrictEqual(
              actual,
              expected(docs, others, pipeline),
              `pipeline ${JSON.stringify(pipeline)}`,
            )
          },
        ),
        params,
      )
    })

    await t.test('a $group after a $match gives what the engine gives, in the same order', async () => {
      // The memory store runs every $group in the shared engine: the reference. SQL stores
      // answer the simple ones in SQL (whole numbers only) and hand the rest over.
      const reference = await connect('memory:')
      const model = reference.collection('model')
      try {
        await fc.assert(
          fc.asyncProperty(arb.groupDocuments, arb.groupPipeline, async (docs, pipeline) => {
            await reset(collection, docs)
            await reset(model, docs)
            const actual = plain(await collection.aggregate(pipeline).toArray())
            assert.deepStrictEqual(
              actual,
              plain(await model.aggregate(pipeline).toArray()),
              JSON.stringify(pipeline),
            )
          }),
          params,
        )
      } finally {
        await reference.close()
      }
    })

    if (options.pushesGroups) {
      await t.test('simple groups over whole numbers run in SQL; others go to the engine', async () => {
        const store = db.store.collection(collection.name)
        const spec = { _id: '$g', total: { $sum: '$n' }, lo: { $min: '$n' }, c: { $count: {} } }
        await reset(collection, [
          { _id: 1, g: 'x', n: 2 },
          { _id: 2, g: 'y', n: 'not a number' },
          { _id: 3, g: 'x', n: 5 },
          { _id: 4, n: 1 },
        ])
        assert.deepEqual(
          await store.group!({ n: { $gt: 1 } }, { _id: '$g', total: { $sum: '$n' }, c: { $count: {} } }),
          [{ _id: 'x', total: 7, c: 2 }],
        )
        // $min over a string: BSON type order, left to the engine.
        assert.equal(await store.group!({}, spec), null)
        // Keys of every type SQL groups itself, kept apart by type, null and missing as one.
        await reset(collection, [
          { _id: 1, g: true, n: 1 },
          { _id: 2, g: 1, n: 2 },
          { _id: 3, g: '1', n: 3 },
          { _id: 4, g: null, n: 4 },
          { _id: 5, n: 5 },
          { _id: 6, g: 1, n: -6 },
          { _id: 7, g: 'é"\\', n: 7 },
        ])
        assert.deepEqual(await store.group!({}, { _id: '$g', total: { $sum: '$n' }, hi: { $max: '$n' } }), [
          { _id: true, total: 1, hi: 1 },
          { _id: 1, total: -4, hi: 2 },
          { _id: '1', total: 3, hi: 3 },
          { _id: null, total: 9, hi: 5 },
          { _id: 'é"\\', total: 7, hi: 7 },
        ])
        // A top N after the group: SQL orders, breaks ties by first appearance and keeps N.
        const sums = { _id: '$g', total: { $sum: '$n' }, hi: { $max: '$n' } }
        assert.deepEqual(await store.group!({}, sums, { sort: { total: -1 }, limit: 2 }), [
          { _id: null, total: 9, hi: 5 },
          { _id: 'é"\\', total: 7, hi: 7 },
        ])
        assert.deepEqual(await store.group!({}, sums, { sort: { hi: 1 }, limit: 2 }), [
          { _id: true, total: 1, hi: 1 },
          { _id: 1, total: -4, hi: 2 },
        ])
        // A group outside the page SQL cannot answer (a fraction) sends the whole page back.
        await collection.insertOne({ _id: 8, g: 'frac', n: 0.5 })
        assert.equal(await store.group!({}, sums, { sort: { total: -1 }, limit: 1 }), null)
        await collection.deleteOne({ _id: 8 })
        // No number to take the minimum of is null, which BSON orders before numbers.
        await collection.updateOne({ _id: 1 }, { $set: { m: 5 } })
        await collection.updateOne({ _id: 2 }, { $set: { m: 3 } })
        const lows = await store.group!({}, { _id: '$g', lo: { $min: '$m' } }, { sort: { lo: 1 }, limit: 4 })
        assert.deepEqual(lows, [
          { _id: '1', lo: null },
          { _id: null, lo: null },
          { _id: 'é"\\', lo: null },
          { _id: 1, lo: 3 },
        ])
        // Ties broken by _id: SQL orders string keys of ASCII itself, others go to the engine.
        const byKey = { sort: { c: -1, _id: 1 }, limit: 3 } as const
        const counted = { _id: '$g', c: { $count: {} } }
        assert.equal(await store.group!({}, counted, byKey), null)
        await collection.deleteMany({ g: { $not: { $type: 'string' } } })
        await collection.updateMany({ g: 'é"\\' }, { $set: { g: 'Z' } })
        await collection.insertMany([{ g: 'b' }, { g: 'a' }, { g: 'a' }, { g: 'b' }])
        assert.deepEqual(await store.group!({}, counted, byKey), [
          { _id: 'a', c: 2 },
          { _id: 'b', c: 2 },
          { _id: '1', c: 1 },
        ])
        await collection.insertOne({ g: 'é' })
        assert.equal(await store.group!({}, counted, byKey), null)
        // After $unwind: one row per element, a value not an array one element, null and
        // missing none; groups in order of first appearance, element by element.
        await reset(collection, [
          { _id: 1, u: [{ x: 'a' }, { x: 'b' }, 'a'] },
          { _id: 2, u: [{ x: 'a' }] },
          { _id: 3, u: 'b' },
          { _id: 4, u: [] },
          { _id: 5 },
          { _id: 6, u: null },
          { _id: 7, u: [null, { x: 2 }] },
        ])
        const unwound = await store.group!({}, { _id: '$u.x', c: { $count: {} } }, { unwind: ['u'] })
        assert.deepEqual(unwound, [
          { _id: 'a', c: 2 },
          { _id: 'b', c: 1 },
          { _id: null, c: 3 },
          { _id: 2, c: 1 },
        ])
        // A field name SQL cannot spell safely is left to the engine, never put in the SQL.
        const hostile = "u') AS u; DROP TABLE model; --"
        assert.equal(await store.group!({}, { _id: null, c: { $count: {} } }, { unwind: [hostile] }), null)
        assert.deepEqual(
          plain(
            await collection
              .aggregate([{ $unwind: `$${hostile}` }, { $group: { _id: null, c: { $count: {} } } }])
              .toArray(),
          ),
          [],
        )
        // A document as key (the element itself) is left to the engine.
        assert.equal(await store.group!({}, { _id: '$u', c: { $count: {} } }, { unwind: ['u'] }), null)
        // A document unwound is one element; an array element's field, the values inside.
        await collection.updateOne({ _id: 2 }, { $set: { u: { x: 'a' } } })
        await collection.insertOne({ _id: 8, u: [[{ x: 'b' }], []] })
        assert.deepEqual(
          plain(
            await collection
              .aggregate([{ $unwind: '$u' }, { $group: { _id: '$u.x', c: { $count: {} } } }])
              .toArray(),
          ),
          [
            { _id: 'a', c: 2 },
            { _id: 'b', c: 1 },
            { _id: null, c: 3 },
            { _id: 2, c: 1 },
            { _id: ['b'], c: 1 },
            { _id: [], c: 1 },
          ],
        )
        await reset(collection, [
          { _id: 1, g: 'x', n: 2 },
          { _id: 2, g: 'y', n: 'not a number' },
          { _id: 3, g: 'x', n: 5 },
          { _id: 4, n: 1 },
          { _id: 5, g: 'é"\\', n: 7 },
        ])
        // A key SQL would group otherwise (a document) is handed back whole.
        await collection.updateOne({ _id: 3 }, { $set: { g: { a: 1 } } })
        assert.equal(await store.group!({}, { _id: '$g', total: { $sum: '$n' } }), null)
        await reset(collection, [
          { _id: 1, g: 'x', n: 2 },
          { _id: 2, g: 'y', n: 'not a number' },
          { _id: 3, g: 'x', n: 5 },
          { _id: 4, n: 1 },
        ])
        await collection.updateOne({ _id: 2 }, { $set: { n: 2.5 } })
        assert.equal(await store.group!({}, { _id: '$g', total: { $sum: '$n' } }), null)
        assert.deepEqual(plain(await collection.aggregate([{ $group: spec }]).toArray()), [
          { _id: 'x', total: 7, lo: 2, c: 2 },
          { _id: 'y', total: 2.5, lo: 2.5, c: 1 },
          { _id: null, total: 1, lo: 1, c: 1 },
        ])
        // Sums whose running total passes 2^53 round in the engine's floating point, where
        // SQL adds exactly: handed back, and the answer is the engine's.
        await reset(collection, [
          { _id: 1, n: 2 ** 53 },
          { _id: 2, n: 1 },
          { _id: 3, n: -1 },
        ])
        const big = { _id: null, total: { $sum: '$n' } }
        assert.equal(await store.group!({}, big), null)
        assert.deepEqual(await collection.aggregate([{ $group: big }]).toArray(), [
          { _id: null, total: 2 ** 53 - 1 },
        ])
        await reset(
          collection,
          Array.from({ length: 6 }, (_, i) => ({ _id: i })),
        )
        const times = { _id: null, c: { $sum: 2 ** 52 + 1 } }
        assert.equal(await store.group!({}, times), null)
        assert.deepEqual(await collection.aggregate([{ $group: times }]).toArray(), [
          { _id: null, c: 27021597764222980 },
        ])
        // Infinity, and finite numbers whose sum is past a double's range: the engine's answer.
        // (Inserted as they are: reset() goes through JSON, which turns Infinity into null.)
        await collection.deleteMany({})
        await collection.insertMany([
          { _id: 1, g: 'x', n: Number.POSITIVE_INFINITY },
          { _id: 2, g: 'x', n: 2 },
          { _id: 3, g: 'y', n: Number.NEGATIVE_INFINITY },
          { _id: 4, g: 'z', n: 1e308 },
          { _id: 5, g: 'z', n: 1e308 },
        ])
        const extremes = { _id: '$g', total: { $sum: '$n' }, mean: { $avg: '$n' }, lo: { $min: '$n' } }
        assert.equal(await store.group!({}, extremes), null)
        assert.deepEqual(await collection.aggregate([{ $group: extremes }]).toArray(), [
          { _id: 'x', total: Number.POSITIVE_INFINITY, mean: Number.POSITIVE_INFINITY, lo: 2 },
          {
            _id: 'y',
            total: Number.NEGATIVE_INFINITY,
            mean: Number.NEGATIVE_INFINITY,
            lo: Number.NEGATIVE_INFINITY,
          },
          { _id: 'z', total: Number.POSITIVE_INFINITY, mean: Number.POSITIVE_INFINITY, lo: 1e308 },
        ])
        assert.equal(await store.group!({}, { _id: '$g', total: { $sum: '$n' } }), null)
        // Fields named as the statement names its columns (p0j, p1v...) stay fields.
        await reset(collection, [
          { _id: 1, p0j: 'a', p1j: 2, p0v: 'b', p1v: 3 },
          { _id: 2, p0j: 'a', p1j: 4, p0v: 'c', p1v: 5 },
        ])
        const sumBy = (key: string, amount: string) => store.group!({}, { _id: key, total: { $sum: amount } })
        assert.deepEqual(await sumBy('$p0j', '$p1j'), [{ _id: 'a', total: 6 }])
        assert.deepEqual(await sumBy('$p1j', '$p0j'), [
          { _id: 2, total: 0 },
          { _id: 4, total: 0 },
        ])
        assert.deepEqual(await sumBy('$p0v', '$p1v'), [
          { _id: 'b', total: 3 },
          { _id: 'c', total: 5 },
        ])
        assert.deepEqual(await sumBy('$p1v', '$p0v'), [
          { _id: 3, total: 0 },
          { _id: 5, total: 0 },
        ])
      })

      await t.test(
        'a group after a $match on an indexed field reads through the index, arrays included',
        async () => {
          const store = db.store.collection(collection.name)
          const sum = { _id: null, t: { $sum: '$n' } }
          await collection.createIndex({ k: 1 })
          try {
            await reset(collection, [
              { _id: 1, k: 'y', n: 1 },
              { _id: 2, k: 'z', n: 2 },
            ])
            assert.deepEqual(await store.group!({ k: 'y' }, sum), [{ _id: null, t: 1 }])
            // The plain condition misses the array holding 'y': SQL must not answer alone.
            await collection.insertOne({ _id: 3, k: ['y'], n: 4 })
            assert.equal(await store.group!({ k: 'y' }, sum), null)
            assert.deepEqual(
              plain(await collection.aggregate([{ $match: { k: 'y' } }, { $group: sum }]).toArray()),
              [{ _id: null, t: 5 }],
            )
          } finally {
            await collection.dropIndex('k_1')
          }
        },
      )
    }
  } finally {
    await collection.deleteMany({})
    await foreign.deleteMany({})
    await db.close()
  }
}
