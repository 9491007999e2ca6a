// distinct() and countDocuments() on every store, as MongoDB documents them: arrays give
// their elements, a path through an array of documents reaches into each, equal values
// (1 and 1.0, documents alike) count once, null is a value and a missing field is not.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { testStores } from './test-stores.ts'

for (const store of await testStores('distinct')) {
  describe(`distinct and count on ${store.name}`, { skip: store.skip }, () => {
    const seeded = async (docs: Record<string, unknown>[]) => {
      const db = await store.connect()
      const items = db.collection('items')
      await items.insertMany(docs.map((doc, i) => ({ _id: i + 1, ...doc })))
      return { db, items }
    }

    test('arrays give their elements; equal values count once, in order of first appearance', async () => {
      const { db, items } = await seeded([
        { t: ['a', 'b'] },
        { t: 'a' },
        { t: 1 },
        { t: 1.0 },
        {},
        { t: { x: 1 } },
        { t: [{ x: 1 }, [2]] },
        { t: null },
      ])
      assert.deepEqual(await items.distinct('t'), ['a', 'b', 1, { x: 1 }, [2], null])
      assert.deepEqual(await items.distinct('t', { t: { $type: 'string' } }), ['a', 'b'])
      assert.equal(await items.countDocuments({ t: 'a' }), 2)
      await db.close()
    })

    test('a dotted path reaches into documents, and into each document of an array', async () => {
      const { db, items } = await seeded([
        { size: { uom: 'cm', h: 14 } },
        { size: [{ uom: 'in' }, { uom: 'cm' }, { h: 2 }] },
        { size: [{ uom: ['mm', 'in'] }] },
        { size: 'large' },
      ])
      assert.deepEqual(await items.distinct('size.uom'), ['cm', 'in', 'mm'])
      assert.deepEqual(await items.distinct('size.0.uom'), ['in', 'mm'])
      assert.deepEqual(await items.distinct('size.uom', { 'size.h': 2 }), ['in', 'cm'])
      assert.deepEqual(await items.distinct('nowhere'), [])
      await db.close()
    })
  })
}
