// A sort ending with `_id` is ordered by SQL only while every id in the table orders there
// as in the engine (a string of plain ASCII): SQL compares the stored JSON text, where
// 'b!' comes before 'b' and a number after a string. Each SQL store keeps a partial index
// of the ids that do not, made with the table, and asks it once per query instead of
// testing every candidate's id; one such id anywhere sends the sort to the engine.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect, type Db } from 'weftjs/data'
import { withPostgres } from './postgres-env.ts'

type Item = { _id: string | number; n: number; score: number }

async function idsInTheirOrder(db: Db, collection: string) {
  const items = db.collection<Item>('items')
  // Neither 'b!' nor 7 orders in SQL as in the engine.
  await items.insertMany([
    { _id: 'b!', n: 1, score: 0 },
    { _id: 'b', n: 1, score: 0 },
    { _id: 7, n: 1, score: 0 },
    { _id: 'a', n: 1, score: 1 },
    { _id: 'c', n: 1, score: 1 },
  ])
  // Enough other rows that reading the index is cheaper than reading the table.
  await items.insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: `x${i}`, n: 0, score: 9 })))
  const page = { sort: { score: 1, _id: 1 }, limit: 4 } as const
  const low = { n: { $gte: 1 } }
  const ids = async () => (await items.find(low, page).toArray()).map((doc) => doc._id)
  assert.deepEqual(await ids(), [7, 'b', 'b!', 'a'])

  // The ids are asked of the table through their partial index, not candidate by candidate.
  const plan = await items.find(low, page).explain()
  assert.ok(plan.indexes.includes(`${collection}.$id.unordered`), plan.indexes.join(', '))

  // Once they are gone, SQL orders the rest itself, and as the engine does.
  await items.deleteMany({ _id: { $in: [7, 'b!'] } })
  assert.deepEqual(await ids(), ['b', 'a', 'c'])
}

test('SQLite: one id SQL cannot order, anywhere in the table, sends a sort ending with _id to the engine', async () => {
  const db = await connect('sqlite::memory:')
  try {
    await idsInTheirOrder(db, 'items')
  } finally {
    await db.close()
  }
})

test('PostgreSQL: one id SQL cannot order, anywhere in the table, sends a sort ending with _id to the engine', async (t) => {
  await withPostgres(t, 'unordered_ids', async (db) => {
    await idsInTheirOrder(db, 'items')
  })
})
