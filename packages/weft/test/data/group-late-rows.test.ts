// A `$group` after `$unwind` orders its groups by first appearance: the row's insertion
// order, then the element's place. SQL stores pack both into one 64-bit number, which
// holds only the first 2^31 rows; a row past that must still come out in the engine's
// order (the stores leave such groups to the engine) instead of failing or being misplaced.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { type Collection, connect } from 'weftjs/data'
import { withPostgres } from './postgres-env.ts'

const Database = createRequire(import.meta.url)('better-sqlite3')

const LATE = 2 ** 31

// The late row's elements start two groups whose keys sort against their appearance.
const early = { _id: 'early', items: [{ sku: 'm', qty: 1 }] }
const late = {
  _id: 'late',
  items: [
    { sku: 'z', qty: 2 },
    { sku: 'a', qty: 3 },
    { sku: 'm', qty: 4 },
  ],
}
const pipeline = [{ $unwind: '$items' }, { $group: { _id: '$items.sku', qty: { $sum: '$items.qty' } } }]
const expected = [
  { _id: 'm', qty: 5 },
  { _id: 'z', qty: 2 },
  { _id: 'a', qty: 3 },
]

async function groups(orders: Collection): Promise<unknown[]> {
  return await orders.aggregate(pipeline).toArray()
}

test('SQLite: a row past 2^31 is grouped in order of appearance', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-late-rows-'))
  const file = join(dir, 'app.db')
  try {
    const db = await connect(`sqlite:${file}`)
    await db.collection('orders').insertMany([early, late])
    await db.close()
    // Rowids are Weft's insertion order: move the last row to where a table that has seen
    // 2^31 inserts would have put it.
    const raw = new Database(file)
    const [{ name }] = raw
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%orders%'")
      .all()
    raw
      .prepare(`UPDATE "${name}" SET rowid = rowid + ? WHERE rowid = (SELECT max(rowid) FROM "${name}")`)
      .run(LATE)
    raw.close()
    const reopened = await connect(`sqlite:${file}`)
    try {
      assert.deepEqual(await groups(reopened.collection('orders')), expected)
    } finally {
      await reopened.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('PostgreSQL: a row past 2^31 is grouped in order of appearance', async (t) => {
  await withPostgres(t, 'late_rows', async (db, env) => {
    const orders = db.collection('orders')
    await orders.insertOne(early)
    await env.client.query(`ALTER SEQUENCE "${env.schema}"."orders_seq_seq" RESTART WITH ${LATE}`)
    await orders.insertOne(late)
    assert.deepEqual(await groups(orders), expected)
  })
})
