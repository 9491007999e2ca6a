// softDelete: deletes stamp `deletedAt`; reads, counts, aggregations and updates skip
// such documents unless asked `withDeleted`; `hard: true` removes for real.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { z } from 'zod'
import { testStores } from './test-stores.ts'

const Item = z.object({ _id: z.union([z.number(), z.string()]), name: z.string(), n: z.number().default(0) })

for (const store of await testStores('soft_delete')) {
  describe(`soft delete on ${store.name}`, { skip: store.skip }, () => {
    const open = async () => {
      const db = await store.connect()
      const items = db.collection('items', Item, { softDelete: true })
      await items.insertMany([
        { _id: 1, name: 'a' },
        { _id: 2, name: 'b' },
        { _id: 3, name: 'c' },
      ])
      return { db, items }
    }

    test('a delete keeps the document with deletedAt; reads no longer see it', async () => {
      const { db, items } = await open()
      assert.equal(await items.deleteOne({ name: 'a' }), 1)
      assert.equal(await items.deleteOne({ name: 'a' }), 0, 'already deleted')
      assert.deepEqual(
        (await items.find({}).toArray()).map((doc) => doc._id),
        [2, 3],
      )
      assert.equal(await items.findOne({ _id: 1 }), null)
      assert.equal(await items.countDocuments(), 2)
      assert.deepEqual(await items.distinct('name'), ['b', 'c'])
      const [group] = await items.aggregate([{ $group: { _id: null, n: { $sum: 1 } } }]).toArray()
      assert.equal(group.n, 2)
      const deleted = (await items.findOne({ _id: 1 }, { withDeleted: true })) as Record<string, unknown>
      assert.ok(deleted.deletedAt instanceof Date, 'deletedAt survives a schema that does not declare it')
      assert.equal(await items.countDocuments({}, { withDeleted: true }), 3)
      await db.close()
    })

    test('updates skip deleted documents unless withDeleted; restore() brings them back', async () => {
      const { db, items } = await open()
      await items.deleteMany({ _id: { $in: [1, 2] } })
      const result = await items.updateMany({}, { $inc: { n: 1 } })
      assert.equal(result.matchedCount, 1)
      await items.updateOne({ _id: 1 }, { $set: { n: 5 } }, { withDeleted: true })
      const kept = (await items.findOne({ _id: 1 }, { withDeleted: true })) as Record<string, unknown>
      assert.equal(kept.n, 5)
      assert.ok(kept.deletedAt instanceof Date, 'a validated update keeps deletedAt')
      assert.equal(await items.restore({ _id: { $in: [1, 3] } }), 1, 'only deleted documents are restored')
      assert.equal((await items.findOne({ _id: 1 }))?.name, 'a')
      await db.close()
    })

    test('hard: true removes for real; an upsert does not write deletedAt', async () => {
      const { db, items } = await open()
      assert.equal(await items.deleteMany({ name: 'c' }, { hard: true }), 1)
      assert.equal(await items.countDocuments({}, { withDeleted: true }), 2)
      const { upsertedId } = await items.updateOne({ name: 'z' }, { $set: { n: 1 } }, { upsert: true })
      const upserted = (await items.findOne({ _id: upsertedId as string })) as Record<string, unknown>
      assert.equal(upserted.name, 'z')
      assert.equal('deletedAt' in upserted, false)
      await db.close()
    })
  })
}
