// Positional updates ($, $[], $[name] with arrayFilters): the same documents as mingo on
// every store, for generated arrays and conditions, and MongoDB's documented errors.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { updateMany as mingoUpdateMany, updateOne as mingoUpdateOne } from 'mingo'
import { connect, type Db, UpdateError } from 'weftjs/data'
import { withPostgres } from './postgres-env.ts'

type Doc = Record<string, unknown>
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value))

const small = fc.integer({ min: 0, max: 6 })
const documents = fc
  .array(
    fc.record({
      n: fc.array(small, { minLength: 1, maxLength: 5 }),
      items: fc.array(fc.record({ x: small, y: small }), { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((docs) => docs.map((doc, i) => ({ _id: i + 1, ...doc })))

const range = fc
  .tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte', '$eq'), small)
  .map(([op, v]) => ({ [op]: v }))
const change = fc.oneof(
  small.map((v) => ['$set', v] as const),
  small.map((v) => ['$inc', v] as const),
)

// [filter, update, arrayFilters]
const positional = fc.oneof(
  fc.tuple(range, change).map(([cond, [op, v]]) => [{ n: cond }, { [op]: { 'n.$': v } }, undefined] as const),
  fc
    .tuple(range, change)
    .map(([cond, [op, v]]) => [{ 'items.x': cond }, { [op]: { 'items.$.y': v } }, undefined] as const),
  change.map(([op, v]) => [{}, { [op]: { 'n.$[]': v } }, undefined] as const),
  change.map(([op, v]) => [{}, { [op]: { 'items.$[].x': v } }, undefined] as const),
  fc.tuple(range, change).map(([cond, [op, v]]) => [{}, { [op]: { 'n.$[e]': v } }, [{ e: cond }]] as const),
  fc
    .tuple(range, range, change)
    .map(([a, b, [op, v]]) => [{}, { [op]: { 'items.$[it].y': v } }, [{ 'it.x': a, 'it.y': b }]] as const),
)

async function differential(db: Db, runs: number): Promise<void> {
  const items = db.collection(`positional_${Date.now().toString(36)}`)
  await fc.assert(
    fc.asyncProperty(
      documents,
      positional,
      fc.boolean(),
      async (docs, [filter, update, arrayFilters], many) => {
        await items.deleteMany({})
        await items.insertMany(plain(docs))
        const expected = plain(docs) as Doc[]
        let mingoError: unknown
        try {
          const run = many ? mingoUpdateMany : mingoUpdateOne
          run(
            expected,
            plain(filter),
            plain(update) as never,
            arrayFilters ? { arrayFilters: plain(arrayFilters) as unknown as Doc[] } : {},
          )
        } catch (error) {
          mingoError = error
        }
        const options = arrayFilters ? { arrayFilters: plain(arrayFilters) as unknown as Doc[] } : {}
        try {
          if (many) await items.updateMany(filter, update, options)
          else await items.updateOne(filter, update, options)
        } catch (error) {
          assert.ok(error instanceof UpdateError, String(error))
          assert.ok(mingoError, `mingo accepted ${JSON.stringify([filter, update])}: ${String(error)}`)
          return
        }
        const context = JSON.stringify({ filter, update, arrayFilters, many })
        assert.deepStrictEqual(plain(await items.find({}, { sort: { _id: 1 } }).toArray()), expected, context)
      },
    ),
    { numRuns: runs },
  )
  await items.deleteMany({})
}

describe('positional updates give the documents mingo gives', () => {
  test('memory', async () => {
    const db = await connect('memory:')
    await differential(db, 300).finally(() => db.close())
  })
  test('SQLite', async () => {
    const db = await connect('sqlite::memory:')
    await differential(db, 200).finally(() => db.close())
  })
  test('PostgreSQL', async (t) => {
    await withPostgres(t, 'positional', async (db) => {
      await differential(db, 100)
    })
  })
})

describe('positional updates follow MongoDB’s documented rules', () => {
  const setup = async () => {
    const db = await connect('memory:')
    const students = db.collection('students')
    await students.insertOne({
      _id: 1,
      grades: [
        { grade: 80, mean: 75 },
        { grade: 85, mean: 90 },
        { grade: 85, mean: 85 },
      ],
    })
    return { db, students }
  }

  test('$ updates the first element the query matched (docs example: grades.$.std)', async () => {
    const { db, students } = await setup()
    await students.updateOne({ _id: 1, 'grades.grade': 85 }, { $set: { 'grades.$.std': 6 } })
    const doc = await students.findOne({ _id: 1 })
    assert.deepEqual(doc?.grades, [
      { grade: 80, mean: 75 },
      { grade: 85, mean: 90, std: 6 },
      { grade: 85, mean: 85 },
    ])
    await db.close()
  })

  test('$ with $elemMatch picks the element meeting every condition', async () => {
    const { db, students } = await setup()
    await students.updateOne(
      { _id: 1, grades: { $elemMatch: { grade: { $lte: 90 }, mean: { $gt: 80 } } } },
      { $set: { 'grades.$.std': 6 } },
    )
    assert.deepEqual((await students.findOne({ _id: 1 }))?.grades, [
      { grade: 80, mean: 75 },
      { grade: 85, mean: 90, std: 6 },
      { grade: 85, mean: 85 },
    ])
    await db.close()
  })

  test('$[name] with arrayFilters (docs example: grades.$[elem].mean)', async () => {
    const { db, students } = await setup()
    await students.updateMany(
      {},
      { $inc: { 'grades.$[elem].std': -1 }, $set: { 'grades.$[elem].mean': 100 } },
      { arrayFilters: [{ 'elem.grade': { $gte: 85 } }] },
    )
    assert.deepEqual((await students.findOne({ _id: 1 }))?.grades, [
      { grade: 80, mean: 75 },
      { grade: 85, mean: 100, std: -1 },
      { grade: 85, mean: 100, std: -1 },
    ])
    await db.close()
  })

  test('errors: $ without a matching query, an unknown or unused identifier, positional $rename', async () => {
    const { db, students } = await setup()
    await assert.rejects(
      students.updateOne({ _id: 1 }, { $set: { 'grades.$.std': 1 } }),
      /did not find the match/,
    )
    await assert.rejects(
      students.updateOne({ _id: 1 }, { $set: { 'grades.$[x].std': 1 } }),
      /No array filter found/,
    )
    await assert.rejects(
      students.updateOne({ _id: 1 }, { $set: { a: 1 } }, { arrayFilters: [{ x: 1 }] }),
      /was not used/,
    )
    await assert.rejects(students.updateOne({ _id: 1 }, { $rename: { 'grades.$': 'g' } }), {
      code: 'WEFT_DATA_BAD_UPDATE',
    })
    await assert.rejects(students.updateOne({ _id: 1 }, { $set: { 'missing.$[]': 1 } }), /must hold an array/)
    await assert.rejects(
      students.updateOne(
        { _id: 1 },
        { $set: { 'grades.$[e]': 1 } },
        { arrayFilters: [{ e: { $where: 'x' } }] },
      ),
      { code: 'WEFT_DATA_BAD_OPERATOR' },
    )
    assert.equal((await students.findOne({ _id: 1 }))?.a, undefined, 'a refused update writes nothing')
    await db.close()
  })
})
