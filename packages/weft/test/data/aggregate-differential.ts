// Differential check for aggregation: a store's `aggregate()` must give what mingo's
// aggregator gives for generated pipelines (with the $match/$sort/$skip/$limit prefix
// pushed down to the store's find path). Every store runs it:
// `await runAggregateDifferential(t, () => connect(url))`.

import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import fc from 'fast-check'
import { aggregate as mingoAggregate } from 'mingo'
import type { Collection, Db } from 'weftjs/data'
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
  options: { numRuns?: number; seed?: number } = {},
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
  } finally {
    await collection.deleteMany({})
    await foreign.deleteMany({})
    await db.close()
  }
}
