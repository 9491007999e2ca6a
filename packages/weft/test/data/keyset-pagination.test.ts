// page(): keyset pagination gives every matching document exactly once, in sort order,
// with ties on the sort keys; counts; and a tampered token is refused.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { testStores } from './test-stores.ts'

const docs = fc
  .array(
    fc.record({ k: fc.integer({ min: 0, max: 3 }), s: fc.constantFrom('a', 'b', 'c'), on: fc.boolean() }),
    { maxLength: 25 },
  )
  .map((list) => list.map((doc, i) => ({ _id: (i * 7919) % 101, ...doc })))
  .filter((list) => new Set(list.map((doc) => doc._id)).size === list.length)

for (const store of await testStores('pages')) {
  describe(`page() on ${store.name}`, { skip: store.skip }, () => {
    test('pages concatenate to the sorted result, ties included', async () => {
      const db = await store.connect()
      const items = db.collection('items')
      try {
        await fc.assert(
          fc.asyncProperty(
            docs,
            fc.record({
              k: fc.constantFrom(1, -1) as fc.Arbitrary<1 | -1>,
              s: fc.constantFrom(1, -1) as fc.Arbitrary<1 | -1>,
            }),
            fc.integer({ min: 1, max: 6 }),
            fc.boolean(),
            async (list, directions, limit, filtered) => {
              await items.deleteMany({})
              if (list.length > 0) await items.insertMany(list)
              const filter = filtered ? { on: true } : {}
              const sort = { k: directions.k, s: directions.s }
              const all = await items.find(filter, { sort: { ...sort, _id: 1 } }).toArray()
              const seen: unknown[] = []
              let after: string | undefined
              for (let guard = 0; guard < 100; guard++) {
                const { items: page, next } = await items.page(filter, { sort, limit, after })
                assert.ok(page.length <= limit)
                seen.push(...page)
                if (next === null) break
                after = next
              }
              assert.deepStrictEqual(seen, all)
            },
          ),
          { numRuns: 100 },
        )
      } finally {
        await db.close()
      }
    })

    test('countDocuments and estimatedDocumentCount', async () => {
      const db = await store.connect()
      const items = db.collection('items')
      await items.insertMany([{ a: 1 }, { a: 2 }, { a: 2 }])
      assert.equal(await items.countDocuments({ a: 2 }), 2)
      assert.equal(await items.estimatedDocumentCount(), 3)
      await db.close()
    })

    test('a tampered or foreign token is refused; operators cannot ride in it', async () => {
      const db = await store.connect()
      const items = db.collection('items')
      await items.insertMany([{ k: 1 }, { k: 2 }, { k: 3 }])
      const { next } = await items.page({}, { sort: { k: 1 }, limit: 1 })
      assert.ok(next)
      const evil = btoa(JSON.stringify([{ $gt: null }, 'x'])).replaceAll('=', '')
      for (const token of ['%%%', 'e30', evil, `${next}x`]) {
        await assert.rejects(items.page({}, { sort: { k: 1 }, after: token }), {
          code: 'WEFT_DATA_BAD_QUERY',
        })
      }
      await assert.rejects(items.page({}, { sort: { k: 1, z: 1 }, limit: 1 }), /needs a number, string/)
      await db.close()
    })
  })
}
