// A unique index made by an older weftjs, a UNIQUE expression index comparing whole
// arrays, keeps refusing clashes until `createIndex` runs again; then it is rebuilt as
// a multikey index over the same documents, or, when the documents share elements,
// refused with DuplicateKeyError and left working as before. No document is lost.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { type Collection, connect, type Db, DuplicateKeyError } from 'weftjs/data'
import { openSqlite } from '../../src/data/stores/sqlite-driver.ts'
import { postgresEnv } from './postgres-env.ts'

const docs = [
  { _id: 1, tags: ['a', 'b'] },
  { _id: 2, tags: ['c'] },
]

async function checkUpgrade(db: Db, name: string): Promise<void> {
  const items: Collection = db.collection(name)
  // The old index still holds: the same whole array clashes.
  await assert.rejects(items.insertOne({ _id: 3, tags: ['a', 'b'] }), { index: 'tags_1' })
  assert.equal(await items.createIndex({ tags: 1 }, { unique: true }), 'tags_1')
  assert.deepEqual(await items.find({}, { sort: { _id: 1 } }).toArray(), docs)
  // Now each element is a key.
  await assert.rejects(items.insertOne({ _id: 3, tags: ['z', 'b'] }), DuplicateKeyError)
  await items.insertOne({ _id: 3, tags: ['z'] })
}

async function checkRefusedUpgrade(db: Db, name: string): Promise<void> {
  const items: Collection = db.collection(name)
  await assert.rejects(items.createIndex({ tags: 1 }, { unique: true }), { index: 'tags_1' })
  assert.equal(await items.countDocuments({}), 3)
  await assert.rejects(items.insertOne({ _id: 9, tags: ['c'] }), { index: 'tags_1' })
}

test('SQLite: a unique index made by an older version is rebuilt as multikey, losing nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-upgrade-'))
  const file = join(dir, 'app.db')
  try {
    let db = await connect(`sqlite:${file}`)
    await db.collection('ok').insertMany(docs)
    await db.collection('clash').insertMany([...docs, { _id: 3, tags: ['b', 'd'] }])
    await db.close()
    const raw = await openSqlite(file)
    for (const table of ['ok', 'clash'])
      raw.exec(
        `CREATE UNIQUE INDEX "${table}.tags_1" ON "${table}" (json_extract(doc, '$.tags') ASC, json_type(doc, '$.tags'))`,
      )
    raw.close()
    db = await connect(`sqlite:${file}`)
    await checkUpgrade(db, 'ok')
    await checkRefusedUpgrade(db, 'clash')
    await db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('PostgreSQL: a unique index made by an older version is rebuilt as multikey, losing nothing', async (t) => {
  const env = await postgresEnv('upgrade')
  if (typeof env === 'string') return t.skip(env)
  try {
    let db = await connect(env.url)
    await db.collection('ok').insertMany(docs)
    await db.collection('clash').insertMany([...docs, { _id: 3, tags: ['b', 'd'] }])
    await db.close()
    for (const table of ['ok', 'clash'])
      await env.client.query(
        `CREATE UNIQUE INDEX "${table}.tags_1" ON "${env.schema}"."${table}" ((doc #> '{tags}') ASC)`,
      )
    db = await connect(env.url)
    await checkUpgrade(db, 'ok')
    await checkRefusedUpgrade(db, 'clash')
    await db.close()
  } finally {
    await env.drop()
  }
})
