// `updateOne({ _id }, { $inc })` on SQLite runs as one json_set when that is exactly the
// engine's answer (whole numbers within ±2^53, top-level fields); every other case takes
// the general path. Either way the result, the error and the stored document are the
// memory store's.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { type Collection, connect } from 'weftjs/data'

async function outcome(collection: Collection, id: number, inc: Record<string, number>) {
  try {
    const result = await collection.updateOne({ _id: id }, { $inc: inc })
    return { matched: result.matchedCount, modified: result.modifiedCount }
  } catch (error) {
    return { error: (error as { code?: string }).code }
  }
}

const value = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom<unknown>(2 ** 53 - 1, -(2 ** 53) + 2, 2.5, 'x', null, [1], { a: 1 }, true),
)

test('SQLite: $inc by _id gives the memory store answer, error and document', async () => {
  const sqlite = await connect('sqlite::memory:')
  const memory = await connect('memory:')
  const here = sqlite.collection('counters')
  const model = memory.collection('counters')
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ a: value, b: value, c: fc.string({ maxLength: 3 }) }, { requiredKeys: ['c'] }),
        fc.dictionary(
          fc.constantFrom('a', 'b', 'z'),
          fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, 2 ** 52)),
          {
            minKeys: 1,
            maxKeys: 2,
          },
        ),
        fc.constantFrom(1, 2),
        async (doc, inc, id) => {
          for (const collection of [here, model]) {
            await collection.deleteMany({})
            await collection.insertOne({ _id: 1, ...doc })
          }
          assert.deepEqual(await outcome(here, id, inc), await outcome(model, id, inc), JSON.stringify(inc))
          assert.deepEqual(await here.find({}).toArray(), await model.find({}).toArray())
        },
      ),
      { numRuns: 300 },
    )
  } finally {
    await sqlite.close()
    await memory.close()
  }
})
