// Indexes declared with the collection: unique ones hold from the first write, on every
// store kind; TTL ones delete expired documents (swept on stores without native TTL).

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { connect, Db, DuplicateKeyError } from 'weftjs/data'
import { withPostgres } from './postgres-env.ts'

type User = { email: string; seenAt?: Date }

async function checkUnique(db: Db): Promise<void> {
  const users = db.collection<User>(`users_${Date.now().toString(36)}`, undefined, {
    indexes: [{ keys: { email: 1 }, unique: true }],
  })
  await users.insertOne({ email: 'a@x' })
  await assert.rejects(users.insertOne({ email: 'a@x' }), DuplicateKeyError)
  // A second handle on the same collection does not create the index again, and it holds.
  const again = db.collection<User>(users.name, undefined, {
    indexes: [{ keys: { email: 1 }, unique: true }],
  })
  await assert.rejects(again.insertMany([{ email: 'b@x' }, { email: 'a@x' }]), DuplicateKeyError)
  assert.equal(await users.countDocuments(), 1)
}

describe('declared unique indexes hold from the first write', () => {
  test('memory', async () => {
    const db = await connect('memory:')
    await checkUnique(db).finally(() => db.close())
  })
  test('SQLite', async () => {
    const db = await connect('sqlite::memory:')
    await checkUnique(db).finally(() => db.close())
  })
  test('PostgreSQL', async (t) => {
    await withPostgres(t, 'declared', async (db) => {
      await checkUnique(db)
    })
  })
})

describe('declared TTL indexes', () => {
  test('expired documents are deleted by the sweep, fresh ones kept', async () => {
    const base = await connect('sqlite::memory:')
    const db = new Db(base.store, { ttlSweepSeconds: 0.05 })
    try {
      const sessions = db.collection<User>('sessions', undefined, {
        indexes: [{ keys: { seenAt: 1 }, expireAfterSeconds: 60 }],
      })
      await sessions.insertMany([
        { _id: 'old', email: 'a', seenAt: new Date(Date.now() - 120_000) },
        { _id: 'new', email: 'b', seenAt: new Date() },
        { _id: 'none', email: 'c' },
      ])
      await sessions.insertOne({ _id: 'late', email: 'd', seenAt: new Date(Date.now() - 61_000) })
      await new Promise((resolve) => setTimeout(resolve, 200))
      const left = (await sessions.find({}, { sort: { _id: 1 } }).toArray()).map((doc) => doc._id)
      assert.deepEqual(left, ['new', 'none'])
    } finally {
      await db.close()
    }
  })

  test('declarations are checked when the collection is declared', async () => {
    const db = await connect('memory:')
    assert.throws(
      () => db.collection('x', undefined, { indexes: [{ keys: { a: 1, b: 1 }, expireAfterSeconds: 5 }] }),
      {
        code: 'WEFT_DATA_BAD_QUERY',
      },
    )
    assert.throws(() => db.collection('x', undefined, { indexes: [{ keys: { a: 2 as 1 } }] }), {
      code: 'WEFT_DATA_BAD_QUERY',
    })
    await db.close()
  })
})
