// The SQL pushdown case by case, on SQLite: for each translation it makes (typed
// equality, null and missing, $in and its size cut-off, ranges and their fences, $or,
// $and, $nor, $exists, `_id`, unsafe paths, sort/limit/skip) the pinned WHERE clause
// that `explain()` shows, how much of the query SQL answers, and the documents found,
// compared with the memory store on two small collections: one without arrays (where
// SQL answers alone) and one with arrays on the same paths (where the array guard must
// send the query back to JavaScript). The randomized differentials cover the rest; this
// file is short enough to run per mutant (see docs/testing.md, "Mutation testing").

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type Collection, connect, type Db, type Filter } from 'weftjs/data'

type Options = { sort?: Record<string, 1 | -1>; limit?: number; skip?: number }

const v = (path: string) => `json_extract(doc, '$.${path}')`
const type = (path: string) => `json_type(doc, '$.${path}')`
const isArray = (path: string) => `${type(path)} = 'array'`
const isNumber = (path: string) => `${type(path)} IN ('integer', 'real')`
/** The superset form of one pushed condition: it, or an array on some step of the path. */
const orArray = (condition: string, ...steps: string[]) =>
  `(${condition} OR ${steps.map(isArray).join(' OR ')})`

// `n` mixes numbers with the values SQLite reads alike (true and 1, '1'), `s` strings
// that read like JSON text beside the objects and arrays they look like.
const flatDocs = [
  { _id: 'd01', n: 0, s: 'apple', o: { p: 1 } },
  { _id: 'd02', n: 1, s: 'banana', o: { p: 2 } },
  { _id: 'd03', n: true, s: '[1]', o: { p: 3 } },
  { _id: 'd04', n: false, s: '{"a":1}', o: { p: 5 } },
  { _id: 'd05', n: '1', s: { a: 1 }, o: { p: 0 } },
  { _id: 'd06', n: null, s: 'Zed' },
  { _id: 'd07', s: '' },
  { _id: 'd08', n: 2.5, s: 'cherry', o: { q: 1 } },
  { _id: 'd09', n: 10, s: 'apple', o: { p: 1 } },
  { _id: 'd10', n: 15, s: '\u{1F600}' },
  { _id: 'd11', n: -3, s: 'banana', o: 'p' },
  { _id: 7, n: 20, s: 'x' },
]
// The same documents with arrays where the exact SQL form would go wrong.
const arrayDocs = [
  ...flatDocs.slice(0, 2),
  { _id: 'd03', n: [1, 15], s: [1], o: { p: [3, 4] } },
  { _id: 'd04', n: false, s: ['apple', 'Zed'], o: [{ p: 5 }, { p: -1 }] },
  ...flatDocs.slice(4),
]

let sqlite: Db
let memory: Db
const collections: Record<'flat' | 'arrays', [Collection, Collection]> = {} as never

before(async () => {
  sqlite = await connect('sqlite::memory:')
  memory = await connect('memory:')
  for (const [name, docs] of [
    ['flat', flatDocs],
    ['arrays', arrayDocs],
  ] as const) {
    const pair: Collection[] = []
    for (const db of [sqlite, memory]) {
      const items = db.collection(name)
      for (const path of ['n', 's', 'o.p']) await items.createIndex({ [path]: 1 })
      await items.insertMany(structuredClone(docs))
      pair.push(items)
    }
    collections[name] = pair as [Collection, Collection]
  }
})

after(async () => {
  await sqlite?.close()
  await memory?.close()
})

/** The pushed clause of the first statement: after WHERE, without the array check and order. */
function whereOf(sql: string): string {
  let where = sql.slice(sql.indexOf(' WHERE ') + 7, sql.indexOf(' ORDER BY '))
  const check = where.indexOf(') AND NOT (EXISTS ')
  if (check !== -1) where = where.slice(1, check)
  return where
}

interface Case {
  filter: Filter
  options?: Options
  /** How much SQL answers, per `explain()`. */
  pushdown: 'all' | 'partial sort' | 'filter'
  /** The pushed WHERE clause. */
  where: string
  params: unknown[]
  /** How many documents match in the collection without arrays, and in the one with. */
  found: [number, number]
  /** Other things the statement must (or must not) say. */
  sql?: RegExp[]
  notSql?: RegExp[]
  /** An index the database uses for it. */
  index?: string
}

async function check(name: string, c: Case): Promise<void> {
  const [flat] = collections.flat
  const explained = await flat.find(c.filter, c.options).explain()
  const sql = explained.sql ?? ''
  assert.equal(explained.pushdown, c.pushdown, `${name}: pushdown of ${sql}`)
  assert.equal(whereOf(sql), c.where, `${name}: where of ${sql}`)
  assert.deepEqual(explained.params, c.params, `${name}: params`)
  for (const pattern of c.sql ?? []) assert.match(sql, pattern, name)
  for (const pattern of c.notSql ?? []) assert.doesNotMatch(sql, pattern, name)
  if (c.index) assert.ok(explained.indexes.includes(c.index), `${name}: indexes ${explained.indexes}`)
  for (const [at, kind] of (['flat', 'arrays'] as const).entries()) {
    const [inSqlite, inMemory] = collections[kind]
    const expected = await inMemory.find(c.filter, c.options).toArray()
    const actual = await inSqlite.find(c.filter, c.options).toArray()
    assert.deepEqual(actual, expected, `${name} (${kind})`)
    assert.equal(actual.length, c.found[at], `${name} (${kind}): how many`)
  }
}

/** Checks every case, then fails with all the cases that went wrong. */
async function checkAll(cases: Record<string, Case>): Promise<void> {
  const failures: string[] = []
  for (const [name, c] of Object.entries(cases)) {
    await check(name, c).catch((error: Error) => failures.push(`${name}: ${error.message}`))
  }
  assert.deepEqual(failures, [])
}

const ids = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `d${from + i}`)
const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ')

test('equality is typed: 0 and 1 are not false and true, "[..." and "{..." are not arrays or objects', async () => {
  await checkAll({
    zero: {
      filter: { n: 0 },
      pushdown: 'all',
      where: `(${v('n')} = ? AND ${isNumber('n')})`,
      params: [0],
      found: [1, 1],
      index: 'flat.n_1',
    },
    one: {
      filter: { n: 1 },
      pushdown: 'all',
      where: `(${v('n')} = ? AND ${isNumber('n')})`,
      params: [1],
      found: [1, 2],
    },
    'other numbers need no type test': {
      filter: { n: { $eq: 2.5 } },
      pushdown: 'all',
      where: `${v('n')} = ?`,
      params: [2.5],
      found: [1, 1],
    },
    true: {
      filter: { n: true },
      pushdown: 'all',
      where: `(${v('n')} = ? AND ${type('n')} = 'true')`,
      params: [1],
      found: [1, 0],
    },
    false: {
      filter: { n: false },
      pushdown: 'all',
      where: `(${v('n')} = ? AND ${type('n')} = 'false')`,
      params: [0],
      found: [1, 1],
    },
    'the string "1"': {
      filter: { n: '1' },
      pushdown: 'all',
      where: `${v('n')} = ?`,
      params: ['1'],
      found: [1, 1],
    },
    'a string like an array': {
      filter: { s: '[1]' },
      pushdown: 'all',
      where: `(${v('s')} = ? AND ${type('s')} = 'text')`,
      params: ['[1]'],
      found: [1, 0],
    },
    'a string like an object': {
      filter: { s: '{"a":1}' },
      pushdown: 'all',
      where: `(${v('s')} = ? AND ${type('s')} = 'text')`,
      params: ['{"a":1}'],
      found: [1, 0],
    },
    'a plain string, found in an array too': {
      filter: { s: 'apple' },
      pushdown: 'all',
      where: `${v('s')} = ?`,
      params: ['apple'],
      found: [2, 3],
      index: 'flat.s_1',
    },
    'null is null or missing': {
      filter: { n: null },
      pushdown: 'all',
      where: `${v('n')} IS NULL`,
      params: [],
      found: [2, 2],
    },
    'a nested path, an array on either step': {
      filter: { 'o.p': 5 },
      pushdown: 'all',
      where: `${v('o.p')} = ?`,
      params: [5],
      found: [1, 1],
      sql: [
        /\(SELECT 1 FROM "flat" WHERE json_type\(doc, '\$\.o'\) = 'array' OR json_type\(doc, '\$\.o\.p'\) = 'array'\)/,
      ],
    },
    'not a number: NaN is left to JavaScript': {
      filter: { n: Number.NaN },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
    'a date is left to JavaScript': {
      filter: { n: new Date(0) },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
    'an object is left to JavaScript': {
      filter: { s: { a: 1 } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [1, 1],
    },
    'an empty object is a value, not an empty set of operators': {
      filter: { s: {} },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
    'a path of longer names': {
      filter: { 'o.long_name9': 12 },
      pushdown: 'all',
      where: orArray(`${v('o.long_name9')} = ?`, 'o', 'o.long_name9'),
      params: [12],
      found: [0, 0],
    },
    'two fields': {
      filter: { n: { $gte: 0 }, s: 'apple' },
      pushdown: 'all',
      where: `((${v('n')} >= ? AND ${v('n')} < '' AND ${isNumber('n')}) AND ${v('s')} = ?)`,
      params: [0, 'apple'],
      found: [2, 2],
    },
    'operators in an object without a prototype': {
      filter: { n: Object.assign(Object.create(null), { $gt: 12 }) },
      pushdown: 'all',
      where: `(${v('n')} > ? AND ${v('n')} < '')`,
      params: [12],
      found: [2, 3],
    },
    'an empty filter': { filter: {}, pushdown: 'all', where: '1=1', params: [], found: [12, 12] },
  })
})

test('$in: an OR of typed equalities, up to 200 values', async () => {
  const many = (count: number) => Array.from({ length: count }, (_, i) => i + 2)
  await checkAll({
    'mixed values': {
      filter: { n: { $in: [0, 15, 'banana', true, null] } },
      pushdown: 'all',
      where: `((${v('n')} = ? AND ${isNumber('n')}) OR ${v('n')} = ? OR ${v('n')} = ? OR (${v('n')} = ? AND ${type('n')} = 'true') OR ${v('n')} IS NULL)`,
      params: [0, 15, 'banana', 1],
      found: [5, 5],
    },
    '200 values are pushed': {
      filter: { n: { $in: many(200) } },
      pushdown: 'all',
      where: `(${many(200)
        .map(() => `${v('n')} = ?`)
        .join(' OR ')})`,
      params: many(200),
      found: [3, 4],
    },
    '201 are left to JavaScript': {
      filter: { n: { $in: many(201) } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [3, 4],
    },
    'an empty $in': {
      filter: { n: { $in: [] } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
    'a value SQL cannot compare takes back the others': {
      filter: { n: { $in: [10, { a: 1 }] }, s: 'apple' },
      pushdown: 'filter',
      where: orArray(`${v('s')} = ?`, 's'),
      params: ['apple'],
      found: [1, 1],
    },
  })
})

test('ranges: typed, paired, fenced inside one type', async () => {
  await checkAll({
    'a closed number range, 0 and 1 inside': {
      filter: { n: { $gte: 1, $lt: 15 } },
      pushdown: 'all',
      where: `(${v('n')} >= ? AND ${v('n')} < ? AND ${isNumber('n')})`,
      params: [1, 15],
      found: [3, 4],
      index: 'flat.n_1',
    },
    'above 1: the fence below text, no type test': {
      filter: { n: { $gt: 1 } },
      pushdown: 'all',
      where: `(${v('n')} > ? AND ${v('n')} < '')`,
      params: [1],
      found: [4, 5],
    },
    'at most 0': {
      filter: { n: { $lte: 0 } },
      pushdown: 'all',
      where: `(${v('n')} <= ? AND ${isNumber('n')})`,
      params: [0],
      found: [2, 2],
    },
    'strings from "b"': {
      filter: { s: { $gte: 'b' } },
      pushdown: 'all',
      where: `(${v('s')} >= ? AND ${type('s')} = 'text')`,
      params: ['b'],
      found: [6, 5],
    },
    'strings below "b": the fence at the empty string': {
      filter: { s: { $lt: 'b' } },
      pushdown: 'all',
      where: `(${v('s')} < ? AND ${v('s')} >= '' AND ${type('s')} = 'text')`,
      params: ['b'],
      found: [5, 5],
    },
    'a string and a number bound stay two ranges': {
      filter: { n: { $gt: 'a', $lt: 5 } },
      pushdown: 'all',
      where: `((${v('n')} > ? AND ${type('n')} = 'text') AND (${v('n')} < ? AND ${isNumber('n')}))`,
      params: ['a', 5],
      found: [0, 0],
    },
    'two lower bounds, one paired': {
      filter: { n: { $gt: 0, $gte: 2, $lte: 15 } },
      pushdown: 'all',
      where: `((${v('n')} > ? AND ${v('n')} <= ? AND ${isNumber('n')}) AND (${v('n')} >= ? AND ${v('n')} < ''))`,
      params: [0, 15, 2],
      found: [3, 4],
    },
    'an upper bound of each type': {
      filter: { s: { $lt: 'c', $lte: 3, $gte: 'b' } },
      pushdown: 'all',
      where: `((${v('s')} >= ? AND ${v('s')} < ? AND ${type('s')} = 'text') AND (${v('s')} <= ? AND ${isNumber('s')}))`,
      params: ['b', 'c', 3],
      found: [0, 0],
    },
    'a boolean bound is left to JavaScript, the other pushed': {
      filter: { n: { $gte: 0, $lt: true } },
      pushdown: 'filter',
      where: orArray(`(${v('n')} >= ? AND ${v('n')} < '' AND ${isNumber('n')})`, 'n'),
      params: [0],
      found: [0, 0],
    },
    'a date bound is left to JavaScript': {
      filter: { n: { $gt: new Date(0) } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
    'an infinite bound is left to JavaScript': {
      filter: { n: { $lt: Number.POSITIVE_INFINITY } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [7, 8],
    },
    'a bound SQLite orders unlike JavaScript is left to JavaScript': {
      filter: { s: { $gt: '\u{1F600}' } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
  })
})

test('$exists, $and, $or, $nor, $comment and operators SQL does not take', async () => {
  await checkAll({
    exists: {
      filter: { o: { $exists: true } },
      pushdown: 'all',
      where: `${type('o')} IS NOT NULL`,
      params: [],
      found: [8, 8],
    },
    'does not exist': {
      filter: { 'o.p': { $exists: false } },
      pushdown: 'all',
      where: `${type('o.p')} IS NULL`,
      params: [],
      found: [6, 6],
    },
    '$and of two conditions on one path': {
      filter: { $and: [{ n: { $gte: 2 } }, { n: { $lt: 15 } }] },
      pushdown: 'all',
      where: `((${v('n')} >= ? AND ${v('n')} < '') AND (${v('n')} < ? AND ${isNumber('n')}))`,
      params: [2, 15],
      found: [2, 3],
    },
    '$and with a member SQL cannot answer': {
      filter: { $and: [{ n: { $gte: 1 } }, { o: { $type: 'object' } }] },
      pushdown: 'filter',
      where: orArray(`(${v('n')} >= ? AND ${v('n')} < '' AND ${isNumber('n')})`, 'n'),
      params: [1],
      found: [3, 4],
    },
    $or: {
      filter: { $or: [{ n: 10 }, { s: 'apple' }] },
      pushdown: 'all',
      where: `(${v('n')} = ? OR ${v('s')} = ?)`,
      params: [10, 'apple'],
      found: [2, 3],
    },
    'an $or with a branch SQL cannot answer is dropped with its parameters': {
      filter: { $or: [{ n: 10 }, { o: { $type: 'string' } }], s: 'banana' },
      pushdown: 'filter',
      where: orArray(`${v('s')} = ?`, 's'),
      params: ['banana'],
      found: [1, 1],
    },
    'an $or pushed whole, a condition inside left to JavaScript': {
      filter: { $or: [{ n: 10, o: { $type: 'string' } }, { s: 'Zed' }] },
      pushdown: 'filter',
      where: `(${orArray(`${v('n')} = ?`, 'n')} OR ${orArray(`${v('s')} = ?`, 's')})`,
      params: [10, 'Zed'],
      found: [1, 2],
    },
    '$nor is left to JavaScript': {
      filter: { $nor: [{ n: 10 }], s: 'apple' },
      pushdown: 'filter',
      where: orArray(`${v('s')} = ?`, 's'),
      params: ['apple'],
      found: [1, 2],
    },
    '$comment changes nothing': {
      filter: { $comment: 'why', n: 10 },
      pushdown: 'all',
      where: `${v('n')} = ?`,
      params: [10],
      found: [1, 1],
    },
    '$ne is left to JavaScript, the rest of its field pushed': {
      filter: { n: { $ne: 10, $lte: 10 } },
      pushdown: 'filter',
      where: orArray(`(${v('n')} <= ? AND ${isNumber('n')})`, 'n'),
      params: [10],
      found: [4, 5],
    },
    '$regex is left to JavaScript': {
      filter: { s: { $regex: '^app' } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [2, 3],
    },
    'a path with a dash is not written into SQL': {
      filter: { 'a-b': 1 },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
    'nor a path step that starts with a digit': {
      filter: { 'o.1p': 1 },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
    'nor an array position': {
      filter: { 's.0': 'apple' },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 1],
    },
  })
})

test('_id: its own column, never an array', async () => {
  await checkAll({
    'a string id': {
      filter: { _id: 'd02' },
      pushdown: 'all',
      where: '_id = ?',
      params: ['"d02"'],
      found: [1, 1],
    },
    'a number id': { filter: { _id: 7 }, pushdown: 'all', where: '_id = ?', params: ['7'], found: [1, 1] },
    $eq: {
      filter: { _id: { $eq: 'd03' } },
      pushdown: 'all',
      where: '_id = ?',
      params: ['"d03"'],
      found: [1, 1],
    },
    $in: {
      filter: { _id: { $in: ['d01', 7, 'zz'] } },
      pushdown: 'all',
      where: '_id IN (?, ?, ?)',
      params: ['"d01"', '7', '"zz"'],
      found: [2, 2],
    },
    'an empty $in': {
      filter: { _id: { $in: [] } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
    'an $in with another kind of id': {
      filter: { _id: { $in: ['d01', null] } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [1, 1],
    },
    'two operators': {
      filter: { _id: { $eq: 'd01', $ne: 'd02' } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [1, 1],
    },
    'an $eq with another kind of id': {
      filter: { _id: { $eq: null } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
    'a range': {
      filter: { _id: { $gt: 'd10' } },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [1, 1],
    },
  })
})

test('a clause too large for SQL is left to JavaScript', async () => {
  // `_id` conditions add no array alternatives: the counts below are exact.
  const orOf = (count: number, from = 0) => ({ $or: ids(count, from).map((_id) => ({ _id })) })
  const inOf = (count: number, per: number) => ({
    $or: Array.from({ length: count }, (_, i) => ({ _id: { $in: ids(per, i * per) } })),
  })
  await checkAll({
    '200 $or branches': {
      filter: orOf(200),
      pushdown: 'all',
      where: `(${Array.from({ length: 200 }, () => '_id = ?').join(' OR ')})`,
      params: ids(200).map((id) => `"${id}"`),
      found: [2, 2],
    },
    '201 $or branches': { filter: orOf(201), pushdown: 'filter', where: '1=1', params: [], found: [2, 2] },
    // 3 × 199 ORs and 3 ANDs: 600 joins, the most that is pushed.
    '600 joins': {
      filter: { $and: [orOf(200), orOf(200, 200), orOf(200, 400), { _id: 'd03' }] },
      pushdown: 'all',
      where: `(${[0, 200, 400].map(() => `(${placeholders(200).replaceAll(', ', ' OR ').replaceAll('?', '_id = ?')})`).join(' AND ')} AND _id = ?)`,
      params: [...ids(600).map((id) => `"${id}"`), '"d03"'],
      found: [0, 0],
    },
    '601 joins': {
      filter: { $and: [orOf(200), orOf(200, 200), orOf(200, 400), { _id: 'd03' }, { _id: 'd04' }] },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
    '20,000 parameters': {
      filter: inOf(200, 100),
      pushdown: 'all',
      where: `(${Array.from({ length: 200 }, () => `_id IN (${placeholders(100)})`).join(' OR ')})`,
      params: ids(20_000).map((id) => `"${id}"`),
      found: [2, 2],
    },
    '20,001 parameters': {
      filter: { ...inOf(200, 100), s: 'x' },
      pushdown: 'filter',
      where: '1=1',
      params: [],
      found: [0, 0],
    },
  })
})

test('sort, limit and skip go to SQL when the filter makes them exact', async () => {
  await checkAll({
    'a key pinned to one value drops out': {
      filter: { n: 10 },
      options: { sort: { n: -1 } },
      pushdown: 'all',
      where: `${v('n')} = ?`,
      params: [10],
      found: [1, 1],
      sql: [/ ORDER BY rowid ASC$/],
    },
    'pinned inside $and': {
      filter: { $and: [{ n: 10 }] },
      options: { sort: { n: 1 } },
      pushdown: 'all',
      where: `${v('n')} = ?`,
      params: [10],
      found: [1, 1],
      sql: [/ ORDER BY rowid ASC$/],
    },
    'pinned to a number, then to one value': {
      filter: { $and: [{ n: { $in: [10, 15] } }, { n: 10 }] },
      options: { sort: { n: 1 } },
      pushdown: 'all',
      where: `((${v('n')} = ? OR ${v('n')} = ?) AND ${v('n')} = ?)`,
      params: [10, 15, 10],
      found: [1, 1],
      sql: [/ ORDER BY rowid ASC$/],
    },
    'an $in of numbers and an $eq on one field': {
      filter: { n: { $in: [10, 15], $eq: 10 } },
      options: { sort: { n: 1 } },
      pushdown: 'all',
      where: `((${v('n')} = ? OR ${v('n')} = ?) AND ${v('n')} = ?)`,
      params: [10, 15, 10],
      found: [1, 1],
      sql: [/ ORDER BY rowid ASC$/],
    },
    'a number range pins numbers': {
      filter: { n: { $gt: 1 } },
      options: { sort: { n: -1 } },
      pushdown: 'all',
      where: `(${v('n')} > ? AND ${v('n')} < '')`,
      params: [1],
      found: [4, 5],
      sql: [/ ORDER BY json_extract\(doc, '\$\.n'\) DESC, rowid (ASC|DESC)$/],
    },
    'an upper number bound pins numbers too': {
      filter: { n: { $lt: 12 } },
      options: { sort: { n: 1 }, skip: 1 },
      pushdown: 'all',
      where: `(${v('n')} < ? AND ${isNumber('n')})`,
      params: [12],
      found: [4, 5],
      sql: [/ ORDER BY json_extract\(doc, '\$\.n'\) ASC, rowid ASC( OFFSET 1)?$/],
    },
    'an $in of numbers pins numbers': {
      filter: { n: { $in: [20, 10, 2.5] } },
      options: { sort: { n: 1 }, limit: 2, skip: 1 },
      pushdown: 'all',
      where: `(${v('n')} = ? OR ${v('n')} = ? OR ${v('n')} = ?)`,
      params: [20, 10, 2.5],
      found: [2, 2],
      sql: [/ ORDER BY json_extract\(doc, '\$\.n'\) ASC, rowid ASC LIMIT 2 OFFSET 1$/],
    },
    'an $in with a string does not': {
      filter: { n: { $in: [10, '1'] } },
      options: { sort: { n: 1 } },
      pushdown: 'filter',
      where: orArray(`(${v('n')} = ? OR ${v('n')} = ?)`, 'n'),
      params: [10, '1'],
      found: [2, 2],
    },
    'a string range does not': {
      filter: { s: { $gt: 'b' } },
      options: { sort: { s: 1 } },
      pushdown: 'filter',
      where: orArray(`(${v('s')} > ? AND ${type('s')} = 'text')`, 's'),
      params: ['b'],
      found: [6, 5],
    },
    'null does not': {
      filter: { n: null },
      options: { sort: { n: 1 } },
      pushdown: 'filter',
      where: orArray(`${v('n')} IS NULL`, 'n'),
      params: [],
      found: [2, 2],
    },
    '$exists does not': {
      filter: { n: { $exists: true } },
      options: { sort: { n: 1 } },
      pushdown: 'filter',
      where: orArray(`${type('n')} IS NOT NULL`, 'n'),
      params: [],
      found: [11, 11],
    },
    '$exists: 1 pins nothing': {
      filter: { n: { $exists: 1 } },
      options: { sort: { n: 1 } },
      pushdown: 'filter',
      where: orArray(`${type('n')} IS NOT NULL`, 'n'),
      params: [],
      found: [11, 11],
    },
    'a pin inside $or says nothing of other branches': {
      filter: { $or: [{ n: 10 }, { n: 15 }] },
      options: { sort: { n: 1 } },
      pushdown: 'filter',
      where: `(${orArray(`${v('n')} = ?`, 'n')} OR ${orArray(`${v('n')} = ?`, 'n')})`,
      params: [10, 15],
      found: [2, 3],
    },
    'with a limit, an unpinned key is checked to hold numbers': {
      filter: { s: 'banana' },
      options: { sort: { n: -1 }, limit: 1 },
      pushdown: 'all',
      where: `${v('s')} = ?`,
      params: ['banana'],
      found: [1, 1],
      sql: [
        /CASE WHEN coalesce\(json_type\(doc, '\$\.n'\), ''\) NOT IN/,
        /EXISTS \(SELECT 1 FROM "flat" WHERE json_type\(doc, '\$\.s'\) = 'array'\)/,
      ],
    },
    'a nested unpinned key is checked for arrays on its first step': {
      filter: { n: { $gte: 0 } },
      options: { sort: { 'o.p': 1 }, limit: 3 },
      pushdown: 'all',
      where: `(${v('n')} >= ? AND ${v('n')} < '' AND ${isNumber('n')})`,
      params: [0],
      found: [3, 3],
      sql: [/CASE WHEN json_type\(doc, '\$\.o'\) = 'array' OR coalesce/],
    },
    'a closing _id goes into the order': {
      filter: { s: { $exists: true } },
      options: { sort: { n: -1, _id: -1 }, limit: 3 },
      pushdown: 'all',
      where: `${type('s')} IS NOT NULL`,
      params: [],
      found: [3, 3],
      sql: [/ trim\(_id, '"'\) DESC, rowid ASC LIMIT 3$/],
    },
    'an ascending key and a closing ascending _id, every candidate a number': {
      filter: { s: { $in: ['apple', 'banana'] } },
      options: { sort: { n: 1, _id: 1 }, limit: 2 },
      pushdown: 'all',
      where: `(${v('s')} = ? OR ${v('s')} = ?)`,
      params: ['apple', 'banana'],
      found: [2, 2],
      sql: [
        /ORDER BY CASE WHEN .* END DESC, json_extract\(doc, '\$\.n'\) ASC, trim\(_id, '"'\) ASC, rowid ASC LIMIT 2$/,
      ],
    },
    'a closing key SQL cannot read is not an _id': {
      filter: { s: { $exists: true } },
      options: { sort: { n: -1, 'o-p': 1 }, limit: 3 },
      pushdown: 'partial sort',
      where: `${type('s')} IS NOT NULL`,
      params: [],
      found: [3, 3],
      notSql: [/trim\(_id/],
    },
    'an _id before another key ends the SQL order': {
      filter: { s: { $exists: true } },
      options: { sort: { n: 1, _id: 1, s: 1 }, limit: 3 },
      pushdown: 'partial sort',
      where: `${type('s')} IS NOT NULL`,
      params: [],
      found: [3, 3],
      notSql: [/trim\(_id/],
    },
    'a pinned key, then _id': {
      filter: { n: { $in: [10, 15, 20] } },
      options: { sort: { n: -1, _id: 1 }, limit: 2 },
      pushdown: 'partial sort',
      where: `(${v('n')} = ? OR ${v('n')} = ? OR ${v('n')} = ?)`,
      params: [10, 15, 20],
      found: [2, 2],
      sql: [/ORDER BY json_extract\(doc, '\$\.n'\) DESC/],
    },
    'a key SQL cannot read ends the SQL order': {
      filter: { n: { $gt: 1 } },
      options: { sort: { n: 1, 'o-p': 1 }, limit: 2 },
      pushdown: 'partial sort',
      where: `(${v('n')} > ? AND ${v('n')} < '')`,
      params: [1],
      found: [2, 2],
    },
    'no SQL order at all: only _id': {
      filter: { s: 'banana' },
      options: { sort: { _id: -1 }, limit: 1 },
      pushdown: 'filter',
      where: orArray(`${v('s')} = ?`, 's'),
      params: ['banana'],
      found: [1, 1],
    },
    'no SQL order at all: a key SQL cannot read': {
      filter: { s: 'banana' },
      options: { sort: { 'o-p': 1, n: 1 }, limit: 1 },
      pushdown: 'filter',
      where: orArray(`${v('s')} = ?`, 's'),
      params: ['banana'],
      found: [1, 1],
    },
    'without a limit, an unpinned key is sorted in JavaScript': {
      filter: { n: { $gte: 0 } },
      options: { sort: { n: 1, s: -1 } },
      pushdown: 'filter',
      where: orArray(`(${v('n')} >= ? AND ${v('n')} < '' AND ${isNumber('n')})`, 'n'),
      params: [0],
      found: [6, 7],
    },
  })
})
