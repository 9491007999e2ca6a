// connect(url): the store is chosen by URL scheme; ids look like MongoDB ObjectIds.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect, isObjectId, objectId, objectIdDate, storeKind } from 'weftjs/data'
import { checkServerVersion } from '../../src/data/stores/postgres.ts'

test('URL schemes pick the store', () => {
  assert.equal(storeKind('memory:'), 'memory')
  assert.equal(storeKind('sqlite:./data/app.db'), 'sqlite')
  assert.equal(storeKind('./data/app.db'), 'sqlite')
  assert.equal(storeKind('C:\\data\\app.db'), 'sqlite')
  assert.equal(storeKind('postgres://localhost/app'), 'postgres')
  assert.equal(storeKind('postgresql://localhost/app'), 'postgres')
  assert.equal(storeKind(new URL('mongodb://localhost/app')), 'mongodb')
  assert.equal(storeKind('mongodb+srv://cluster.example/app'), 'mongodb')
})

test('an unknown scheme is refused with the forms to use', async () => {
  await assert.rejects(connect('mysql://localhost/app'), {
    code: 'WEFT_DATA_BAD_URL',
    message: /memory:, sqlite:/,
  })
})

test('memory: gives a fresh database each time, and close() ends it', async () => {
  const first = await connect('memory:')
  const second = await connect('memory:')
  assert.equal(first.kind, 'memory')
  await first.collection('items').insertOne({ _id: 1 })
  assert.equal(await second.collection('items').countDocuments(), 0)
  await first.close()
  assert.throws(() => first.collection('items'), { code: 'WEFT_DATA_CLOSED' })
})

test('collection names are checked', async () => {
  const db = await connect('memory:')
  assert.throws(() => db.collection('users; drop table x'), { code: 'WEFT_DATA_BAD_COLLECTION' })
})

test('generated ids are 24 hex digits, unique, with the creation time inside', () => {
  const ids = new Set(Array.from({ length: 1000 }, () => objectId()))
  assert.equal(ids.size, 1000)
  const id = objectId(Date.UTC(2030, 0, 1))
  assert.ok(isObjectId(id))
  assert.equal(objectIdDate(id).toISOString(), '2030-01-01T00:00:00.000Z')
  assert.ok(!isObjectId('xyz'))
})

test('_id must be a non-empty string or a finite number', async () => {
  const db = await connect('memory:')
  await assert.rejects(db.collection('items').insertOne({ _id: { a: 1 } } as never), {
    code: 'WEFT_DATA_BAD_ID',
  })
  await assert.rejects(db.collection('items').insertOne({ _id: '' }), { code: 'WEFT_DATA_BAD_ID' })
})

test('sqlite: URLs and bare paths load the SQLite store on demand', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = await mkdtemp(join(tmpdir(), 'weft-connect-'))
  try {
    for (const url of ['sqlite::memory:', join(dir, 'app.db')]) {
      const db = await connect(url)
      assert.equal(db.kind, 'sqlite')
      await db.collection('items').insertOne({ _id: 1 })
      assert.equal(await db.collection('items').countDocuments(), 1)
      await db.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

// connect() asks the server its version first (an older one cannot be run here: this
// checks the rule the answer goes through).
test('PostgreSQL before 14 is refused, naming the release found and the one needed', () => {
  for (const [version, release] of [
    [130011, '13'],
    [120019, '12'],
    [90624, '9.6'],
  ] as const) {
    assert.throws(() => checkServerVersion(version), {
      code: 'WEFT_DATA_OLD_SERVER',
      message: `PostgreSQL ${release} is too old for weftjs/data: it needs PostgreSQL 14 or later.`,
    })
  }
  for (const version of [140000, 150004, 170002]) checkServerVersion(version)
})
