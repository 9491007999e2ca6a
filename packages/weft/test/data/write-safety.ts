// Behaviour every durable store shares: unique indexes refuse clashes with
// DuplicateKeyError, and a failed insertMany or transaction leaves nothing behind.

import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { type Db, DuplicateKeyError } from 'weftjs/data'

export async function runWriteSafety(t: TestContext, makeDb: () => Promise<Db>): Promise<void> {
  const db = await makeDb()
  const suffix = Date.now().toString(36)
  try {
    await t.test('a unique index refuses a clash with DuplicateKeyError naming the index', async () => {
      const users = db.collection(`users_${suffix}`)
      assert.equal(await users.createIndex({ email: 1 }, { unique: true }), 'email_1')
      await users.insertOne({ _id: 'u1', email: 'a@x.io' })
      await assert.rejects(users.insertOne({ _id: 'u2', email: 'a@x.io' }), (error: unknown) => {
        assert.ok(error instanceof DuplicateKeyError)
        assert.equal(error.code, 'WEFT_DATA_DUPLICATE_KEY')
        assert.equal(error.index, 'email_1')
        assert.deepEqual(error.key, { email: 'a@x.io' })
        return true
      })
      await users.insertOne({ _id: 'u3', email: 'b@x.io' })
      await assert.rejects(users.updateOne({ _id: 'u3' }, { $set: { email: 'a@x.io' } }), DuplicateKeyError)
      await assert.rejects(users.insertOne({ _id: 'u1', email: 'c@x.io' }), (error: unknown) => {
        assert.ok(error instanceof DuplicateKeyError)
        assert.equal(error.index, '_id_')
        return true
      })
      // Typed keys: true and 1 are different values.
      await users.updateOne({ _id: 'u1' }, { $set: { flag: true } })
      await users.updateOne({ _id: 'u3' }, { $set: { flag: 1 } })
      await users.createIndex({ flag: 1 }, { unique: true })
      assert.deepEqual(
        (await users.find({}, { sort: { email: 1 } }).toArray()).map((u) => u.email),
        ['a@x.io', 'b@x.io'],
      )
    })

    await t.test('creating a unique index over duplicates fails with DuplicateKeyError', async () => {
      const tags = db.collection(`tags_${suffix}`)
      await tags.insertMany([{ name: 'x' }, { name: 'x' }])
      await assert.rejects(tags.createIndex({ name: 1 }, { unique: true }), DuplicateKeyError)
    })

    await t.test('a failed insertMany writes nothing', async () => {
      const items = db.collection(`items_${suffix}`)
      await items.insertOne({ _id: 3, n: 3 })
      await assert.rejects(
        items.insertMany([
          { _id: 1, n: 1 },
          { _id: 2, n: 2 },
          { _id: 3, n: 3 },
          { _id: 4, n: 4 },
        ]),
        DuplicateKeyError,
      )
      assert.deepEqual(await items.find({}).toArray(), [{ _id: 3, n: 3 }])
    })

    await t.test('a failed transaction writes nothing and announces nothing', async () => {
      const accounts = db.collection(`accounts_${suffix}`)
      const feed = accounts.watch()
      // One by one: PostgreSQL announces a batch by ids and reads the documents later.
      await accounts.insertOne({ _id: 'a', balance: 10 })
      await accounts.insertOne({ _id: 'b', balance: 0 })
      await assert.rejects(
        db.transaction(async () => {
          await accounts.updateOne({ _id: 'a' }, { $inc: { balance: -5 } })
          await accounts.updateOne({ _id: 'b' }, { $inc: { balance: 5 } })
          await accounts.insertOne({ _id: 'c', balance: 1 })
          assert.equal((await accounts.findOne({ _id: 'a' }))?.balance, 5, 'reads its own writes')
          throw new Error('abort')
        }),
        /abort/,
      )
      assert.deepEqual(await accounts.find({}).toArray(), [
        { _id: 'a', balance: 10 },
        { _id: 'b', balance: 0 },
      ])
      await db.transaction(async () => {
        await accounts.updateOne({ _id: 'a' }, { $inc: { balance: -1 } })
        await accounts.updateOne({ _id: 'b' }, { $inc: { balance: 1 } })
      })
      assert.deepEqual(
        (await accounts.find({}).toArray()).map((doc) => doc.balance),
        [9, 1],
      )
      // The feed shows the inserts and the committed transaction, nothing of the failed one.
      const seen: unknown[] = []
      for (let i = 0; i < 4; i++) {
        const event = (await feed.next()).value
        seen.push([event?.type, event?.id, event && event.type !== 'delete' ? event.doc.balance : null])
      }
      assert.deepEqual(seen, [
        ['insert', 'a', 10],
        ['insert', 'b', 0],
        ['update', 'a', 9],
        ['update', 'b', 1],
      ])
      await feed.return?.()
    })

    await t.test('work outside a transaction neither leaks into it nor is rolled back with it', async () => {
      const log = db.collection(`log_${suffix}`)
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      const inside = db.transaction(async () => {
        await log.insertOne({ _id: 'inside' })
        await gate
        throw new Error('abort')
      })
      const outside = log.insertOne({ _id: 'outside' })
      setTimeout(release, 50)
      await assert.rejects(inside, /abort/)
      await outside
      assert.deepEqual(await log.find({}).toArray(), [{ _id: 'outside' }])
    })
  } finally {
    await db.close()
  }
}
