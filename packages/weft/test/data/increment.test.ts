// `updateOne({ _id }, { $inc })` runs as one statement on SQLite (json_set) and PostgreSQL
// (jsonb_set, the JSON text rebuilt in its key order) when that is exactly the engine's
// answer (whole numbers within ±2^53, top-level fields present); every other case takes
// the general path. Either way the result, the error and the stored document, key order
// included, are the memory store's, and a watcher sees the change.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { type Collection, connect, type Db } from 'weftjs/data'
import { withPostgres } from './postgres-env.ts'

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
  fc.constantFrom<unknown>(2 ** 53 - 1, -(2 ** 53) + 2, 2.5, 'x', null, [1], { a: 1 }, true, 'a\u0000b'),
)

async function matchesMemory(db: Db, numRuns: number) {
  const memory = await connect('memory:')
  const here = db.collection('counters')
  const model = memory.collection('counters')
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ c: fc.string({ maxLength: 3 }), a: value, b: value }, { requiredKeys: ['c'] }),
        fc.dictionary(
          fc.constantFrom('a', 'b', 'z'),
          fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, 2 ** 52)),
          { minKeys: 1, maxKeys: 2 },
        ),
        fc.constantFrom(1, 2),
        async (doc, inc, id) => {
          for (const collection of [here, model]) {
            await collection.deleteMany({})
            await collection.insertOne({ _id: 1, ...doc })
          }
          assert.deepEqual(await outcome(here, id, inc), await outcome(model, id, inc), JSON.stringify(inc))
          // As text: the key order too.
          assert.equal(
            JSON.stringify(await here.find({}).toArray()),
            JSON.stringify(await model.find({}).toArray()),
          )
        },
      ),
      // A string holding U+0000 beside the number (PostgreSQL's JSON functions refuse it).
      { numRuns, examples: [[{ c: '', a: 0, b: 'a\u0000b' }, { a: 1 }, 1]] },
    )
  } finally {
    await memory.close()
  }
}

async function watcherSeesIt(db: Db) {
  const counters = db.collection('watched')
  await counters.insertOne({ _id: 'c', name: 'visits', n: 1 })
  const feed = counters.watch()
  const update = (async () => {
    // PostgreSQL announces the insert too, after the watcher started.
    for await (const event of feed) if (event.type === 'update') return event
  })()
  await counters.updateOne({ _id: 'c' }, { $inc: { n: 2 } })
  const event = await update
  await feed.return?.()
  assert.deepEqual(event?.doc, { _id: 'c', name: 'visits', n: 3 })
}

test('SQLite: $inc by _id gives the memory store answer, error and document', async () => {
  const sqlite = await connect('sqlite::memory:')
  try {
    await matchesMemory(sqlite, 300)
    await watcherSeesIt(sqlite)
  } finally {
    await sqlite.close()
  }
})

test('PostgreSQL: $inc by _id gives the memory store answer, error and document', async (t) => {
  await withPostgres(t, 'increment', async (db) => {
    await matchesMemory(db, 150)
    await watcherSeesIt(db)
  })
})
