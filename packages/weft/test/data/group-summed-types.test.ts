// `$sum` and `$avg` add the numbers a path holds and skip everything else, on every store.
// PostgreSQL first reads summed values as plain doubles and, when one is not a number,
// answers with the statement that reads around types: each kind of value that sends it
// there is here, alone and then twice in a row (the second call goes straight to the
// careful statement), and once inside a transaction, which that first try must not end.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { testStores } from './test-stores.ts'

const byRegion = [
  { $match: { region: 'north' } },
  { $group: { _id: '$status', orders: { $sum: 1 }, revenue: { $sum: '$total' }, mean: { $avg: '$total' } } },
]
const bySku = [
  { $match: { region: 'north' } },
  { $unwind: '$items' },
  { $group: { _id: '$items.sku', qty: { $sum: '$items.qty' } } },
]

/** Orders in the north whose totals and quantities are numbers, and one holding `odd` in both. */
function orders(odd: unknown): Record<string, unknown>[] {
  return [
    { _id: 1, region: 'north', status: 'paid', total: 10, items: [{ sku: 'a', qty: 1 }] },
    { _id: 2, region: 'north', status: 'open', total: 4, items: [{ sku: 'b', qty: 2 }] },
    { _id: 3, region: 'north', status: 'paid', total: odd, items: [{ sku: 'a', qty: odd }] },
    { _id: 4, region: 'south', status: 'paid', total: 'none', items: [{ sku: 'a', qty: 'none' }] },
    { _id: 5, region: 'north', status: 'paid', total: 20, items: [{ sku: 'a', qty: 5 }] },
  ]
}

const notNumbers: [string, unknown][] = [
  ['null', null],
  ['a boolean', true],
  ['a string of digits', '12'],
  ['an array of numbers', [1, 2]],
  ['a document', { n: 1 }],
]

for (const store of await testStores('group_summed_types')) {
  describe(`$sum and $avg over values of every type on ${store.name}`, { skip: store.skip }, () => {
    for (const [label, odd] of notNumbers) {
      test(`${label} is skipped, every time`, async () => {
        const db = await store.connect()
        const items = db.collection('orders')
        await items.insertMany(orders(odd))
        for (let call = 0; call < 2; call++) {
          assert.deepEqual(await items.aggregate(byRegion).toArray(), [
            { _id: 'paid', orders: 3, revenue: 30, mean: 15 },
            { _id: 'open', orders: 1, revenue: 4, mean: 4 },
          ])
          assert.deepEqual(await items.aggregate(bySku).toArray(), [
            { _id: 'a', qty: 6 },
            { _id: 'b', qty: 2 },
          ])
        }
        await db.close()
      })
    }

    for (const [label, total] of [
      ['Infinity', Number.POSITIVE_INFINITY],
      ['a sum past the largest double', 1.5e308],
    ] as const) {
      test(`${label} adds up as doubles do`, async () => {
        const db = await store.connect()
        const items = db.collection('orders')
        await items.insertMany(orders(total).map((order) => ({ ...order, total })))
        const [paid] = await items.aggregate(byRegion).toArray()
        assert.deepEqual(paid, { _id: 'paid', orders: 3, revenue: Infinity, mean: Infinity })
        await db.close()
      })
    }

    test('inside a transaction, a group over such values leaves the transaction usable', async () => {
      const db = await store.connect()
      const items = db.collection('orders')
      await items.insertMany(orders('12'))
      const groups = await db.transaction(async () => {
        const answer = await items.aggregate(byRegion).toArray()
        await items.insertOne({ _id: 6, region: 'north', status: 'open', total: 1 })
        return answer
      })
      assert.deepEqual(groups[0], { _id: 'paid', orders: 3, revenue: 30, mean: 15 })
      assert.equal(await items.countDocuments({ region: 'north' }), 5)
      await db.close()
    })
  })
}
