// Unique indexes on array fields, MongoDB's way, on every store: each element is a key,
// two documents clash when they share one, a document may repeat a value in its own
// array, missing is null, an empty array is undefined (MongoDB's key for `[]`). The
// cases pin MongoDB's documented behaviour; the property then runs random writes on the
// store under test and on the memory store side by side, and both must refuse the same
// writes and end with the same documents.

import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import fc from 'fast-check'
import { type Collection, connect, type Db, DuplicateKeyError } from 'weftjs/data'

type Doc = Record<string, unknown>

/** The outcome of a write: 'ok', the clashing index's name, or another error's message. */
async function outcome(write: Promise<unknown>): Promise<string> {
  try {
    await write
    return 'ok'
  } catch (error) {
    if (error instanceof DuplicateKeyError) return `dup ${error.index}`
    return `error ${String(error)}`
  }
}

async function all(collection: Collection): Promise<Doc[]> {
  return JSON.parse(JSON.stringify(await collection.find({}, { sort: { _id: 1 } }).toArray()))
}

export async function runMultikeyUnique(
  t: TestContext,
  makeDb: () => Promise<Db>,
  options: { numRuns: number },
): Promise<void> {
  const db = await makeDb()
  const suffix = Date.now().toString(36)
  let n = 0
  const fresh = async (keys: Record<string, 1 | -1> = { tags: 1 }) => {
    const collection = db.collection(`multikey_${suffix}_${n++}`)
    await collection.createIndex(keys, { unique: true })
    return collection
  }
  try {
    await t.test('documents sharing an element clash; one document may repeat a value', async () => {
      const items = await fresh()
      await items.insertOne({ _id: 1, tags: ['a', 'b', 'a'] })
      await assert.rejects(items.insertOne({ _id: 2, tags: ['c', 'b'] }), (error: unknown) => {
        assert.ok(error instanceof DuplicateKeyError)
        assert.equal(error.index, 'tags_1')
        assert.deepEqual(error.key, { tags: ['c', 'b'] })
        return true
      })
      // A scalar clashes with an element, and an element with a scalar.
      assert.equal(await outcome(items.insertOne({ _id: 3, tags: 'a' })), 'dup tags_1')
      await items.insertOne({ _id: 4, tags: 'z' })
      assert.equal(await outcome(items.insertOne({ _id: 5, tags: ['y', 'z'] })), 'dup tags_1')
      // Whole arrays are not elements: ['a', 'b'] inside an array is its own key.
      assert.equal(await outcome(items.insertOne({ _id: 6, tags: [['a', 'b']] })), 'ok')
      assert.equal(await outcome(items.insertOne({ _id: 7, tags: [['a', 'b']] })), 'dup tags_1')
      // Types stay apart: 1 is not true, nor '1'.
      assert.equal(await outcome(items.insertOne({ _id: 8, tags: [1, true, '1'] })), 'ok')
      assert.deepEqual(
        (await all(items)).map((doc) => doc._id),
        [1, 4, 6, 8],
      )
    })

    await t.test('missing is null, an empty array is its own key', async () => {
      const items = await fresh()
      await items.insertOne({ _id: 1 })
      assert.equal(await outcome(items.insertOne({ _id: 2 })), 'dup tags_1')
      assert.equal(await outcome(items.insertOne({ _id: 3, tags: null })), 'dup tags_1')
      assert.equal(await outcome(items.insertOne({ _id: 4, tags: [null, 'x'] })), 'dup tags_1')
      assert.equal(await outcome(items.insertOne({ _id: 5, tags: [] })), 'ok')
      assert.equal(await outcome(items.insertOne({ _id: 6, tags: [] })), 'dup tags_1')
    })

    await t.test('updates and deletes give keys back; a failed updateMany changes nothing', async () => {
      const items = await fresh()
      await items.insertMany([
        { _id: 1, tags: ['a', 'b'] },
        { _id: 2, tags: ['c'] },
        { _id: 3, tags: ['d'] },
      ])
      assert.equal(await outcome(items.updateOne({ _id: 2 }, { $push: { tags: 'b' } })), 'dup tags_1')
      await items.updateOne({ _id: 1 }, { $pull: { tags: 'b' } })
      await items.updateOne({ _id: 2 }, { $push: { tags: 'b' } })
      assert.equal(await outcome(items.insertOne({ _id: 4, tags: ['d', 'e'] })), 'dup tags_1')
      await items.deleteOne({ _id: 3 })
      await items.insertOne({ _id: 4, tags: ['d', 'e'] })
      // Both would take 'x': the second clashes with the first, and neither keeps it.
      assert.equal(await outcome(items.updateMany({}, { $addToSet: { tags: 'x' } })), 'dup tags_1')
      assert.deepEqual(await all(items), [
        { _id: 1, tags: ['a'] },
        { _id: 2, tags: ['c', 'b'] },
        { _id: 4, tags: ['d', 'e'] },
      ])
      await items.replaceOne({ _id: 4 }, { tags: ['a2'] })
      assert.equal(await outcome(items.insertOne({ _id: 5, tags: 'e' })), 'ok')
    })

    await t.test('compound and nested paths key the cross product', async () => {
      const pairs = await fresh({ a: 1, tags: 1 })
      await pairs.insertOne({ _id: 1, a: 1, tags: [1, 2] })
      assert.equal(await outcome(pairs.insertOne({ _id: 2, a: 1, tags: [2, 3] })), 'dup a_1_tags_1')
      assert.equal(await outcome(pairs.insertOne({ _id: 3, a: 2, tags: [2, 3] })), 'ok')
      const nested = await fresh({ 'items.sku': 1 })
      await nested.insertOne({ _id: 1, items: [{ sku: 'p' }, { sku: 'q' }] })
      assert.equal(await outcome(nested.insertOne({ _id: 2, items: { sku: 'q' } })), 'dup items.sku_1')
      assert.equal(await outcome(nested.insertOne({ _id: 3, items: [{ sku: 'r' }] })), 'ok')
    })

    await t.test(
      'creating a unique index over documents sharing an element fails and keeps them',
      async () => {
        const items = db.collection(`multikey_${suffix}_${n++}`)
        await items.insertMany([
          { _id: 1, tags: ['a', 'b'] },
          { _id: 2, tags: ['b', 'c'] },
        ])
        await assert.rejects(items.createIndex({ tags: 1 }, { unique: true }), { index: 'tags_1' })
        assert.equal(await items.countDocuments({}), 2)
        // No half-made index: writes are not refused by it.
        await items.insertOne({ _id: 3, tags: ['a'] })
        await items.deleteOne({ _id: 1 })
        await items.deleteOne({ _id: 3 })
        assert.equal(await items.createIndex({ tags: 1 }, { unique: true }), 'tags_1')
        assert.equal(await outcome(items.insertOne({ _id: 4, tags: 'c' })), 'dup tags_1')
      },
    )

    await t.test('random writes are refused exactly as by the memory store', async () => {
      const reference = await connect('memory:')
      const here = await fresh({ tags: 1 })
      await here.createIndex({ 'k.b': 1 }, { unique: true })
      const model = reference.collection('model')
      await model.createIndex({ tags: 1 }, { unique: true })
      await model.createIndex({ 'k.b': 1 }, { unique: true })
      try {
        await fc.assert(
          fc.asyncProperty(operations, async (ops) => {
            await here.deleteMany({})
            await model.deleteMany({})
            for (const op of ops) {
              // A batch breaking several constraints may name another of them first.
              const loose = (text: string) =>
                op.kind === 'insert' && op.docs.length > 1 ? text.split(' ')[0] : text
              const expected = loose(await outcome(apply(model, op)))
              const actual = loose(await outcome(apply(here, op)))
              assert.equal(actual, expected, JSON.stringify(op))
            }
            assert.deepEqual(await all(here), await all(model))
          }),
          { numRuns: options.numRuns },
        )
      } finally {
        await reference.close()
      }
    })
  } finally {
    await db.close()
  }
}

type Op =
  | { kind: 'insert'; docs: Doc[] }
  | { kind: 'set'; id: number; field: string; value: unknown }
  | { kind: 'unset'; id: number; field: string }
  | { kind: 'delete'; id: number }

function apply(collection: Collection, op: Op): Promise<unknown> {
  switch (op.kind) {
    case 'insert':
      return op.docs.length === 1 ? collection.insertOne(op.docs[0]) : collection.insertMany(op.docs)
    case 'set':
      return collection.updateOne({ _id: op.id }, { $set: { [op.field]: op.value } })
    case 'unset':
      return collection.updateOne({ _id: op.id }, { $unset: { [op.field]: '' } })
    case 'delete':
      return collection.deleteOne({ _id: op.id })
  }
}

const scalar = fc.constantFrom<unknown>('x', 'y', 1, 2, true, null)
const tagValue = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }))
const kValue = fc.oneof(
  fc.record({ b: scalar }),
  fc.array(fc.oneof(fc.record({ b: scalar }), scalar), { maxLength: 2 }),
)
const id = fc.integer({ min: 1, max: 5 })
const doc = fc.record({ _id: id, tags: tagValue, k: kValue }, { requiredKeys: ['_id'] })
const operations: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .array(doc, { minLength: 1, maxLength: 2 })
        .map((docs) => ({ kind: 'insert' as const, docs })),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('set' as const),
        id,
        field: fc.constant('tags'),
        value: tagValue,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('set' as const), id, field: fc.constant('k'), value: kValue }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('unset' as const), id, field: fc.constantFrom('tags', 'k') }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), id }) },
  ),
  { maxLength: 8 },
)
