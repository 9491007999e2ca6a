// aggregate(): MongoDB's documented behaviour where the differential against mingo
// cannot speak (mingo departs from MongoDB there), the pushdown of the leading stages to
// the store's find path, and the batching of $lookup.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { connect, Db, type Filter, type FindOptions, type Store, type StoreCollection } from 'weftjs/data'

type Doc = Record<string, unknown>

async function withDocs(docs: Doc[]) {
  const db = await connect('memory:')
  const items = db.collection('items')
  if (docs.length > 0) await items.insertMany(docs)
  return { db, items }
}

async function run(docs: Doc[], pipeline: Doc[]): Promise<Doc[]> {
  const { db, items } = await withDocs(docs)
  try {
    return await items.aggregate(pipeline).toArray()
  } finally {
    await db.close()
  }
}

/** A store that records every find it is asked, per collection. */
async function recording(): Promise<{
  db: Db
  finds: { collection: string; filter: Filter; options: FindOptions }[]
}> {
  const inner = (await connect('memory:')).store
  const finds: { collection: string; filter: Filter; options: FindOptions }[] = []
  const store: Store = {
    kind: 'memory',
    collection(name) {
      const target = inner.collection(name)
      return new Proxy(target, {
        get(object, key) {
          // The memory store lends its documents to the engine (findInPlace): a read all the same.
          if (key === 'find' || key === 'findInPlace')
            return (filter: Filter, options: FindOptions) => {
              finds.push({ collection: name, filter, options })
              return key === 'find' ? object.find(filter, options) : object.findInPlace!(filter, options)
            }
          if (key === 'aggregate') return undefined
          const value = Reflect.get(object, key)
          return typeof value === 'function' ? value.bind(object) : value
        },
      }) as StoreCollection
    },
    transaction: (fn) => inner.transaction(fn),
    ping: () => inner.ping(),
    close: () => inner.close(),
  }
  return { db: new Db(store), finds }
}

describe('aggregate() follows MongoDB where mingo does not', () => {
  test('$push and $addToSet leave missing values out; $first and $last give null', async () => {
    const out = await run(
      [{ _id: 1, v: 'a' }, { _id: 2 }, { _id: 3, v: 'a' }, { _id: 4, v: null }],
      [
        {
          $group: {
            _id: null,
            all: { $push: '$v' },
            set: { $addToSet: '$v' },
            first: { $first: '$w' },
            avg: { $avg: '$v' },
          },
        },
      ],
    )
    assert.deepEqual(out, [{ _id: null, all: ['a', 'a', null], set: ['a', null], first: null, avg: null }])
  })

  test('$count over no documents gives no document', async () => {
    assert.deepEqual(await run([{ _id: 1 }], [{ $match: { nope: 1 } }, { $count: 'n' }]), [])
    assert.deepEqual(await run([{ _id: 1 }, { _id: 2 }], [{ $count: 'n' }]), [{ n: 2 }])
  })

  test('$unwind: a non-array value counts once; null, missing and [] only with preserveNullAndEmptyArrays', async () => {
    const docs = [
      { _id: 1, t: ['a', 'b'] },
      { _id: 2, t: '' },
      { _id: 3, t: [] },
      { _id: 4, t: null },
      { _id: 5 },
    ]
    assert.deepEqual(await run(docs, [{ $unwind: '$t' }, { $project: { t: 1 } }]), [
      { _id: 1, t: 'a' },
      { _id: 1, t: 'b' },
      { _id: 2, t: '' },
    ])
    const kept = await run(docs, [
      { $unwind: { path: '$t', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } },
    ])
    assert.deepEqual(
      kept.map((doc) => [doc._id, doc.t, doc.i]),
      [
        [1, 'a', 0],
        [1, 'b', 1],
        [2, '', null],
        [3, undefined, null],
        [4, null, null],
        [5, undefined, null],
      ],
    )
  })

  test('comparisons follow BSON order across types; null and missing are equal', async () => {
    const [out] = await run(
      [{ _id: 1, f: false, n: null }],
      [
        {
          $project: {
            gt: { $gt: ['$f', 0] },
            lte: { $lte: ['$n', 0] },
            eq: { $eq: ['$missing', null] },
            lower: { $toLower: '$n' },
          },
        },
      ],
    )
    assert.deepEqual(out, { _id: 1, gt: true, lte: true, eq: true, lower: '' })
  })

  test('$min/$max skip null and missing, compare across types', async () => {
    const [out] = await run(
      [{ _id: 1, v: null }, { _id: 2, v: [] }, { _id: 3, v: 5 }, { _id: 4 }],
      [{ $group: { _id: null, min: { $min: '$v' }, max: { $max: '$v' } } }],
    )
    assert.deepEqual(out, { _id: null, min: 5, max: [] })
  })
})

describe('aggregate() expressions', () => {
  test('arithmetic: null in, null out; $round halves to even; dates add milliseconds', async () => {
    const at = new Date('2024-02-29T23:59:59.500Z')
    const [out] = await run(
      [{ _id: 1, a: 2.5, b: 3.5, at }],
      [
        {
          $project: {
            ra: { $round: '$a' },
            rb: { $round: '$b' },
            r1: { $round: [1.25, 1] },
            sum: { $add: ['$a', '$b', 1] },
            none: { $multiply: ['$a', '$nothing'] },
            later: { $add: ['$at', 500] },
            gap: { $subtract: [{ $add: ['$at', 1000] }, '$at'] },
            mod: { $mod: [7, 3] },
          },
        },
      ],
    )
    assert.deepEqual(out, {
      _id: 1,
      ra: 2,
      rb: 4,
      r1: 1.2,
      sum: 7,
      none: null,
      later: new Date('2024-03-01T00:00:00.000Z'),
      gap: 1000,
      mod: 1,
    })
  })

  test('$divide by zero and arithmetic on a string are errors', async () => {
    await assert.rejects(run([{ _id: 1 }], [{ $project: { x: { $divide: [1, 0] } } }]), {
      code: 'WEFT_DATA_BAD_QUERY',
    })
    await assert.rejects(
      run([{ _id: 1, s: 'x' }], [{ $project: { x: { $add: ['$s', 1] } } }]),
      /only supports numeric/,
    )
  })

  test('strings count code points; $split, $trim, $concat with null', async () => {
    const [out] = await run(
      [{ _id: 1, s: 'añ😀b', p: '  pad  ' }],
      [
        {
          $project: {
            len: { $strLenCP: '$s' },
            sub: { $substrCP: ['$s', 1, 2] },
            up: { $toUpper: '$s' },
            parts: { $split: ['a,b,,c', ','] },
            trimmed: { $trim: { input: '$p' } },
            nothing: { $concat: ['a', '$missing'] },
            match: { $regexMatch: { input: '$s', regex: '^A', options: 'i' } },
          },
        },
      ],
    )
    assert.deepEqual(out, {
      _id: 1,
      len: 4,
      sub: 'ñ😀',
      up: 'AÑ😀B',
      parts: ['a', 'b', '', 'c'],
      trimmed: 'pad',
      nothing: null,
      match: true,
    })
  })

  test('date parts and $dateToString are UTC', async () => {
    const [out] = await run(
      [{ _id: 1, at: new Date('2024-03-05T07:08:09.010Z') }],
      [
        {
          $project: {
            y: { $year: '$at' },
            m: { $month: '$at' },
            d: { $dayOfMonth: '$at' },
            w: { $dayOfWeek: '$at' },
            h: { $hour: { date: '$at' } },
            text: { $dateToString: { date: '$at', format: '%Y-%m-%d %H:%M:%S.%L' } },
            none: { $year: '$missing' },
          },
        },
      ],
    )
    assert.deepEqual(out, {
      _id: 1,
      y: 2024,
      m: 3,
      d: 5,
      w: 3,
      h: 7,
      text: '2024-03-05 07:08:09.010',
      none: null,
    })
  })

  test('$cond, $switch, $ifNull, $let, $map, $filter, $in, $arrayElemAt, $first, $last', async () => {
    const [out] = await run(
      [{ _id: 1, n: 7, list: [1, 2, 3, 4] }],
      [
        {
          $project: {
            // biome-ignore lint/suspicious/noThenProperty: MongoDB's own $cond syntax
            size: { $cond: { if: { $gte: ['$n', 5] }, then: 'big', else: 'small' } },
            // biome-ignore lint/suspicious/noThenProperty: MongoDB's own $switch syntax
            tier: { $switch: { branches: [{ case: { $lt: ['$n', 5] }, then: 1 }], default: 2 } },
            fallback: { $ifNull: ['$missing', null, 'x'] },
            doubled: { $map: { input: '$list', as: 'v', in: { $multiply: ['$$v', 2] } } },
            even: { $filter: { input: '$list', cond: { $eq: [{ $mod: ['$$this', 2] }, 0] } } },
            total: { $let: { vars: { base: 10 }, in: { $add: ['$$base', { $sum: '$list' }] } } },
            has: { $in: [3, '$list'] },
            last: { $arrayElemAt: ['$list', -1] },
            head: { $first: '$list' },
            tail: { $last: '$missing' },
          },
        },
      ],
    )
    assert.deepEqual(out, {
      _id: 1,
      size: 'big',
      tier: 2,
      fallback: 'x',
      doubled: [2, 4, 6, 8],
      even: [2, 4],
      total: 20,
      has: true,
      last: 4,
      head: 1,
      tail: null,
    })
  })

  test('field paths through arrays give the list of values; $$ROOT is the whole document', async () => {
    const [out] = await run(
      [{ _id: 1, items: [{ p: 2 }, { p: 3 }, 4, { q: 1 }] }],
      [{ $project: { prices: '$items.p', total: { $sum: '$items.p' }, root: '$$ROOT._id' } }],
    )
    assert.deepEqual(out, { _id: 1, prices: [2, 3], total: 5, root: 1 })
  })
})

describe('aggregate() reads through the store', () => {
  test('the leading $match, $sort, $skip and $limit go to the store as one find', async () => {
    const { db, finds } = await recording()
    try {
      const items = db.collection('items')
      await items.insertMany([1, 2, 3, 4, 5].map((n) => ({ _id: n, n, even: n % 2 === 0 })))
      const out = await items
        .aggregate([
          { $match: { n: { $gte: 2 } } },
          { $sort: { n: -1 } },
          { $match: { even: true } },
          { $skip: 1 },
          { $limit: 5 },
          { $match: { n: { $lt: 100 } } },
          { $group: { _id: null, ids: { $push: '$_id' } } },
        ])
        .toArray()
      assert.deepEqual(out, [{ _id: null, ids: [2] }])
      assert.deepEqual(finds, [
        {
          collection: 'items',
          filter: { $and: [{ n: { $gte: 2 } }, { even: true }] },
          options: { sort: { n: -1 }, skip: 1, limit: 5 },
        },
      ])
    } finally {
      await db.close()
    }
  })

  test('$lookup reads the other collection once for all documents, in natural order', async () => {
    const { db, finds } = await recording()
    try {
      const users = db.collection('users')
      const posts = db.collection('posts')
      await users.insertMany([
        { _id: 'u1', name: 'Ann' },
        { _id: 'u2', name: 'Bo' },
        { _id: 'u3', name: 'Cy' },
      ])
      await posts.insertMany([
        { _id: 1, by: 'u2', tags: ['u1', 'u3'] },
        { _id: 2, by: 'u1' },
        { _id: 3, by: 'u2' },
        { _id: 4 },
      ])
      finds.length = 0
      const out = await posts
        .aggregate([
          { $lookup: { from: 'users', localField: 'by', foreignField: '_id', as: 'author' } },
          { $lookup: { from: 'users', localField: 'tags', foreignField: '_id', as: 'tagged' } },
          { $project: { author: '$author.name', tagged: '$tagged.name' } },
        ])
        .toArray()
      assert.deepEqual(out, [
        { _id: 1, author: ['Bo'], tagged: ['Ann', 'Cy'] },
        { _id: 2, author: ['Ann'], tagged: [] },
        { _id: 3, author: ['Bo'], tagged: [] },
        { _id: 4, author: [], tagged: [] },
      ])
      assert.deepEqual(
        finds.map((find) => find.collection),
        ['posts', 'users', 'users'],
        'one read of posts, one of users per $lookup',
      )
    } finally {
      await db.close()
    }
  })

  test('aggregate() inside a transaction sees the transaction’s writes', async () => {
    const db = await connect('sqlite::memory:')
    try {
      const items = db.collection('items')
      const total = await db.transaction(async () => {
        await items.insertMany([{ n: 2 }, { n: 3 }])
        const [sum] = await items.aggregate([{ $group: { _id: null, n: { $sum: '$n' } } }]).toArray()
        return sum.n
      })
      assert.equal(total, 5)
    } finally {
      await db.close()
    }
  })
})
