// cursor.explain() says how a find runs: the SQL, how much of the query the database
// answers, the indexes it uses and whether it reads the whole collection.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Collection, connect, type Db } from 'weftjs/data'
import { withPostgres } from './postgres-env.ts'

async function seed(db: Db): Promise<Collection> {
  const docs = db.collection('places')
  await docs.createIndex({ city: 1 })
  await docs.insertMany(
    Array.from({ length: 3000 }, (_, i) => ({
      _id: `p${i}`,
      city: `c${i % 300}`,
      score: i % 7,
      tags: ['a'],
    })),
  )
  return docs
}

async function checkSql(docs: Collection, store: 'sqlite' | 'postgres', index: string): Promise<void> {
  const byCity = await docs.find({ city: 'c3' }).explain()
  assert.equal(byCity.store, store)
  assert.equal(byCity.pushdown, 'all')
  assert.match(byCity.sql ?? '', /^SELECT /)
  assert.deepEqual(byCity.params?.includes('c3') || byCity.params?.includes('"c3"'), true)
  assert.ok(byCity.indexes.includes(index), `indexes: ${byCity.indexes.join(', ')}`)
  assert.equal(byCity.fullScan, false)

  const unindexed = await docs.find({ score: { $gt: 3 } }).explain()
  assert.equal(unindexed.fullScan, true)
  assert.deepEqual(unindexed.indexes, [])

  // A closing `_id` goes into SQL's order too (each id checked to be a plain string).
  const top = await docs.find({ city: 'c3' }, { sort: { score: -1, _id: 1 }, limit: 5 }).explain()
  assert.equal(top.pushdown, 'all')
  assert.match(top.sql ?? '', /ORDER BY .*(trim\(_id, '"'\)|_id COLLATE "C") ASC, (rowid|seq) ASC LIMIT 5$/)
  // `_id` before another key: SQL sorts by score, JavaScript the ties.
  const partial = await docs.find({ city: 'c3' }, { sort: { score: -1, _id: 1, n: 1 }, limit: 5 }).explain()
  assert.equal(partial.pushdown, 'partial sort')

  const inJs = await docs.find({ tags: { $size: 1 } }).explain()
  assert.equal(inJs.pushdown, 'filter')
  assert.ok(inJs.detail)
}

test('SQLite: explain() shows the SQL, the index that serves it, and full scans', async () => {
  const db = await connect('sqlite::memory:')
  try {
    await checkSql(await seed(db), 'sqlite', 'places.city_1')
  } finally {
    await db.close()
  }
})

test('PostgreSQL: explain() shows the SQL, the index that serves it, and full scans', async (t) => {
  await withPostgres(t, 'explain', async (db, env) => {
    const docs = await seed(db)
    // Let the planner see the table's real size, as it would in production.
    await env.client.query(`ANALYZE "${env.schema}"."places"`)
    await checkSql(docs, 'postgres', 'places.city_1')
  })
})

test('memory: explain() says whether the indexes narrow the candidates', async () => {
  const db = await connect('memory:')
  try {
    const docs = await seed(db)
    const byCity = await docs.find({ city: 'c3' }).explain()
    assert.deepEqual([byCity.store, byCity.pushdown, byCity.fullScan], ['memory', 'none', false])
    assert.equal((await docs.find({ score: 1 }).explain()).fullScan, true)
  } finally {
    await db.close()
  }
})
