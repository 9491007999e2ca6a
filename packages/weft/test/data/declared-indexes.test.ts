// Indexes declared with the collection: unique ones hold from the first write, on every
// store kind; TTL ones delete expired documents (swept on stores without native TTL).

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { connect, Db, DuplicateKeyError } from 'weftjs/data'
import { withPostgres } from './postgres-env.ts'
import { testStores } from './test-stores.ts'

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

for (const store of await testStores('ttl')) {
  describe(`declared TTL indexes on ${store.name}`, { skip: store.skip }, () => {
    test('expired documents are deleted by the sweep; fresh ones, and values not dates, are kept', async () => {
      const db = new Db((await store.connect()).store, { ttlSweepSeconds: 0.05 })
      try {
        const sessions = db.collection<{ email: string; seenAt?: unknown }>('sessions', undefined, {
          indexes: [{ keys: { seenAt: 1 }, expireAfterSeconds: 60 }],
        })
        const old = new Date(Date.now() - 120_000)
        await sessions.insertMany([
          { _id: 'old', email: 'a', seenAt: old },
          { _id: 'new', email: 'b', seenAt: new Date() },
          { _id: 'none', email: 'c' },
          // As MongoDB: an array expires with its earliest date; a number or a string never does.
          { _id: 'array', email: 'e', seenAt: [new Date(), old] },
          { _id: 'number', email: 'f', seenAt: old.getTime() },
          { _id: 'string', email: 'g', seenAt: old.toISOString() },
        ])
        await sessions.insertOne({ _id: 'late', email: 'd', seenAt: new Date(Date.now() - 61_000) })
        // The sweep runs every 50 ms; a slow machine may need a few.
        const left = async () =>
          (await sessions.find({}, { sort: { _id: 1 } }).toArray()).map((doc) => doc._id)
        for (let waited = 0; (await left()).length > 4 && waited < 5000; waited += 50)
          await new Promise((resolve) => setTimeout(resolve, 50))
        assert.deepEqual(await left(), ['new', 'none', 'number', 'string'])
      } finally {
        await db.close()
      }
    })
  })
}

describe('declared TTL indexes', () => {
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
