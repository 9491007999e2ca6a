// The memory store lends its own documents to the aggregation engine instead of copying
// each one (see query/aggregate/in-place.ts). That holds only while the engine never
// changes what it reads and whatever leaves the pipeline is a copy: a caller changing a
// result, however deep, must never change the collection.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { type Collection, connect, type Db } from 'weftjs/data'
import { compilePipeline, readsInPlace, splitPipeline } from '../../src/data/query/aggregate/index.ts'
import * as arb from './aggregate-arbitraries.ts'

type Doc = Record<string, unknown>

const stored: Doc[] = [
  {
    _id: 1,
    user: 'ann',
    total: 5,
    at: new Date(1000),
    sub: { x: 1, tags: ['red'], deep: { y: [1, { z: 2 }] } },
    tags: ['a', 'b'],
    items: [
      { sku: 's1', qty: 1, meta: { w: 1 } },
      { sku: 's2', qty: 2, meta: { w: 2 } },
    ],
  },
  {
    _id: 2,
    user: 'bo',
    total: 7,
    at: new Date(2000),
    sub: { x: 2, tags: [], deep: { y: [] } },
    tags: ['c'],
    items: [{ sku: 's1', qty: 3, meta: { w: 3 } }],
  },
  { _id: 3, user: 'ann', total: 1, at: new Date(3000), sub: { x: 3, tags: ['blue'] }, tags: [], items: [] },
]

const lookup = { $lookup: { from: 'users', localField: 'user', foreignField: 'user', as: 'who' } }

/** Pipelines whose documents come straight from the store, each leaking stored objects if uncopied. */
const leaky: [string, Doc[]][] = [
  ['a $match alone', [{ $match: { user: 'ann' } }]],
  ['nothing but a sort', [{ $sort: { total: -1 } }]],
  ['$push of $$ROOT', [{ $group: { _id: '$user', docs: { $push: '$$ROOT' } } }]],
  ['$first of $$ROOT', [{ $group: { _id: '$user', doc: { $first: '$$ROOT' } } }]],
  ['$last of a subdocument', [{ $group: { _id: null, sub: { $last: '$sub' } } }]],
  ['$max of an array', [{ $group: { _id: null, tags: { $max: '$tags' } } }]],
  ['$min of a date', [{ $group: { _id: null, at: { $min: '$at' } } }]],
  ['$addToSet of subdocuments', [{ $group: { _id: null, subs: { $addToSet: '$sub' } } }]],
  ['a document as the group key', [{ $group: { _id: '$sub', n: { $sum: 1 } } }]],
  [
    'a group, then a sort and a limit',
    [{ $group: { _id: '$user', doc: { $first: '$$ROOT' } } }, { $sort: { _id: 1 } }, { $limit: 1 }],
  ],
  ['$project of a subdocument', [{ $project: { sub: 1, items: 1 } }]],
  ['$project of a nested path', [{ $project: { 'sub.deep': 1, 'items.meta': 1 } }]],
  [
    '$replaceRoot with a subdocument',
    [{ $match: { 'sub.x': { $gt: 0 } } }, { $replaceRoot: { newRoot: '$sub' } }],
  ],
  ['$addFields beside stored fields', [{ $addFields: { copy: '$sub', 'sub.extra': 1 } }]],
  ['$unset of one field', [{ $unset: 'tags' }]],
  [
    '$unwind before a $group',
    [{ $unwind: '$items' }, { $group: { _id: '$items.sku', all: { $push: '$items' } } }],
  ],
  // $lookup sets its field on documents a store's find made for it; lent ones it must copy.
  ['$lookup before a $group', [lookup, { $group: { _id: '$user', who: { $push: '$who' } } }]],
  [
    '$facet after a $group',
    [{ $group: { _id: '$user', docs: { $push: '$$ROOT' } } }, { $facet: { a: [], b: [] } }],
  ],
]

/** Changes every object, array and date reachable from `value`. */
function scramble(value: unknown): void {
  if (value instanceof Date) value.setTime(0)
  else if (Array.isArray(value)) {
    for (const item of value) scramble(item)
    value.push('scrambled')
  } else if (value !== null && typeof value === 'object') {
    const doc = value as Doc
    for (const key of Object.keys(doc)) scramble(doc[key])
    doc.scrambled = true
  }
}

describe('aggregate() on the memory store never lets a result reach a stored document', () => {
  let db: Db
  let orders: Collection
  before(async () => {
    db = await connect('memory:')
    orders = db.collection('orders')
    await orders.insertMany(structuredClone(stored))
  })
  after(() => db.close())

  for (const [label, pipeline] of leaky) {
    test(label, async () => {
      // Otherwise the test would pass on a copying path and prove nothing.
      assert.ok(readsInPlace(splitPipeline(pipeline).rest), 'the pipeline reads the store in place')
      const first = await orders.aggregate(pipeline).toArray()
      const answer = structuredClone(first)
      scramble(first)
      assert.deepStrictEqual(await orders.find({}).toArray(), stored)
      assert.deepStrictEqual(await orders.aggregate(pipeline).toArray(), answer)
    })
  }

  test('a result changed while another pipeline runs changes neither', async () => {
    const pipeline = [{ $group: { _id: null, docs: { $push: '$$ROOT' } } }]
    const [one, two] = await Promise.all([
      orders.aggregate(pipeline).toArray(),
      orders.aggregate(pipeline).toArray(),
    ])
    scramble(one)
    assert.deepStrictEqual(two, [{ _id: null, docs: stored }])
  })
})

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Doc)[key])
    Object.freeze(value)
  }
  return value
}

describe('the engine never changes what it reads', () => {
  // Frozen input: a stage that wrote into a document or an array it was given would throw.
  const runFrozen = async (docs: Doc[], foreign: Doc[], pipeline: Doc[]) => {
    const frozen = deepFreeze(structuredClone(docs))
    const frozenForeign = deepFreeze(structuredClone(foreign))
    const out = await compilePipeline(pipeline)(frozen, async () => frozenForeign)
    const free = await compilePipeline(pipeline)(structuredClone(docs), async () => structuredClone(foreign))
    assert.deepStrictEqual(out, free)
  }

  test('for generated pipelines', async () => {
    await fc.assert(
      fc.asyncProperty(arb.documents, arb.foreignDocuments, arb.pipeline, (docs, foreign, pipeline) =>
        runFrozen(
          docs,
          foreign,
          JSON.parse(JSON.stringify(pipeline).replaceAll('"from":"foreign"', '"from":"f"')),
        ),
      ),
      { numRuns: 300 },
    )
  })

  test('for stages that reshape nested documents and arrays', async () => {
    const foreign = [{ _id: 'u', user: 'ann', name: 'Ann' }]
    for (const [, pipeline] of leaky) await runFrozen(stored, foreign, pipeline)
    for (const pipeline of [
      [{ $addFields: { 'items.extra': '$total', 'sub.deep.y': 0 } }],
      [{ $set: { 'tags.more': 1 } }],
      [{ $unset: ['sub.deep', 'items.meta'] }],
      [{ $project: { _id: 0, sub: 0 } }],
      [{ $unwind: { path: '$sub.tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } }],
      [{ $unwind: '$items' }, { $sort: { 'items.qty': -1 } }, { $skip: 1 }],
      [lookup, { $unwind: '$who' }, { $addFields: { 'who.seen': true } }],
      [{ $project: { sorted: { $map: { input: '$items', in: '$$this.meta' } }, n: { $size: '$tags' } } }],
      [{ $facet: { one: [{ $unwind: '$tags' }], two: [{ $addFields: { 'sub.x': 0 } }], three: [lookup] } }],
      [{ $count: 'n' }],
    ] as Doc[][])
      await runFrozen(stored, foreign, pipeline)
  })
})

describe('what reads in place', () => {
  test('a pipeline that folds, or whose stages cannot multiply documents', () => {
    assert.equal(readsInPlace([]), true)
    assert.equal(readsInPlace([{ $project: { a: 1 } }, { $sort: { a: 1 } }]), true)
    assert.equal(readsInPlace([{ $unwind: '$a' }, { $group: { _id: '$a' } }]), true)
    assert.equal(readsInPlace([{ $lookup: {} }, { $count: 'n' }]), true)
  })

  test('not one whose output can outgrow its input: it is copied on the way in, as find copies', () => {
    assert.equal(readsInPlace([{ $unwind: '$a' }]), false)
    assert.equal(readsInPlace([{ $lookup: {} }]), false)
    assert.equal(readsInPlace([{ $facet: { a: [] } }]), false)
  })
})
