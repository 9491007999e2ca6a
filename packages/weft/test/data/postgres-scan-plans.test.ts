// How PostgreSQL runs finds that read every candidate: an unindexed filter reads from a
// subquery that extracts each path once (postgres-extract.ts), an indexed one keeps its
// index; an indexed find checks for arrays inside its own statement. The answers stay
// the memory store's, including the cases SQL must hand to JavaScript: mixed-type and
// missing sort keys, arrays on the filter and sort paths (and on a step of a nested
// path), ids SQL cannot order, ties broken by `_id`, numbers at the edges (±Infinity, NaN,
// integers past 2^53).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { type Collection, connect } from 'weftjs/data'
import { postgresGroupDialect } from '../../src/data/stores/postgres-dialect.ts'
import { groupStatement, simpleGroup } from '../../src/data/stores/sql-group.ts'
import { postgresEnv, withPostgres } from './postgres-env.ts'

// Numbers at the edges of what is stored: ±Infinity (stored as ±1e999, beyond every
// double), NaN (stored tagged, below every number in MongoDB), integers past 2^53, the
// largest and smallest doubles, -0 (equal to 0).
const EXTREMES = [Infinity, -Infinity, Number.NaN, 2 ** 53 + 2, -(2 ** 60), Number.MAX_VALUE, -5e-324, -0]

// Mostly small numbers with ties; now and then a value SQL cannot order like MongoDB,
// or a number at the edges.
const value = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: -2, max: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('x', 1.5, null, true, [1, -1], [], { k: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...EXTREMES) },
)

// Plain string ids (DEL included: ASCII that JSON leaves unescaped), beside ids whose
// stored text SQL would order otherwise: after a quote ('a"' before 'a#'), with a
// character below the closing quote ('ab!' before 'ab' with the quotes kept), a number
// (before every string in MongoDB, after '10' as text), characters beyond U+FFFF (before
// U+FF00 in JavaScript, after it in UTF-8).
const id = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | number>('a', 'ab', 'ab!', 'B', '10', ' x', 'a#', 'a\u007f'),
  },
  { weight: 2, arbitrary: fc.constantFrom<string | number>('a"', 'a\\', '\uFF00', '\u{1F600}', 'é', 12) },
)

type Doc = Record<string, unknown>

const documents: fc.Arbitrary<Doc[]> = fc.uniqueArray(
  fc.record(
    {
      _id: id,
      g: value,
      v: value,
      n: fc.oneof(
        { weight: 6, arbitrary: fc.record({ x: value }, { requiredKeys: [] }) },
        { weight: 1, arbitrary: fc.constant([{ x: 1 }, { x: -2 }]) },
      ),
    },
    { requiredKeys: ['_id', 'g'] },
  ),
  { selector: (doc) => doc._id, maxLength: 12 },
)

const filter = fc.constantFrom<Record<string, unknown>>(
  {},
  { g: { $gte: 0 } },
  { g: { $lt: 1 }, 'n.x': { $gt: -3 } },
  { $or: [{ g: 0 }, { v: { $lte: 0 } }] },
  { v: { $exists: true } },
)

const sort = fc.constantFrom<Record<string, 1 | -1>>(
  { v: -1, _id: 1 },
  { v: 1 },
  { 'n.x': 1, _id: -1 },
  { v: -1, 'n.x': 1 },
  { g: 1, v: -1, _id: 1 },
)

const page = fc.record({ skip: fc.nat(3), limit: fc.nat(4) })

type Case = [Doc[], Doc, Record<string, 1 | -1>, { skip: number; limit: number }]

// Ties that only a right `_id` order passes, and an array on a step of the sort path.
const examples: Case[] = [
  ...[
    ['a#', 'a"', 'b'],
    ['\uFF00', '\u{1F600}', 'b'],
    ['10', 12, 'b'],
    ['ab!', 'ab', 'b'],
    ['a b', 'a', 'b'],
  ].map(
    (ids): Case => [ids.map((_id) => ({ _id, g: 0, v: 0 })), {}, { v: -1, _id: 1 }, { skip: 0, limit: 2 }],
  ),
  // Edge numbers on the sort key, each tying with another row so that `_id` decides:
  // numbers only (SQL orders them), and with NaN (JavaScript does).
  ...[EXTREMES.filter((v) => !Number.isNaN(v)), EXTREMES].flatMap((numbers) =>
    (
      [
        { v: -1, _id: 1 },
        { v: 1, _id: -1 },
      ] as const
    ).map(
      (order): Case => [
        [...numbers, ...numbers, 1].map((v, i) => ({ _id: `i${(i * 7) % 17}`, g: i % 2, v })),
        { g: { $gte: 0 } },
        order,
        { skip: 1, limit: 4 },
      ],
    ),
  ),
  [
    [
      { _id: 'a', g: 0, n: { x: 0 } },
      { _id: 'b', g: 0, n: [{ x: 1 }, { x: -2 }] },
      { _id: 'c', g: 0, n: { x: -1 } },
    ],
    { g: { $gte: 0 } },
    { 'n.x': 1, _id: -1 },
    { skip: 0, limit: 2 },
  ],
]

async function reset(collections: Collection[], docs: Doc[]): Promise<void> {
  for (const collection of collections) {
    await collection.deleteMany({})
    if (docs.length > 0) await collection.insertMany(structuredClone(docs))
  }
}

test('unindexed filters with sorts, pages and counts answer like the memory store', async (t) => {
  const env = await postgresEnv('scan_plans')
  if (typeof env === 'string') return t.skip(env)
  const db = await connect(env.url)
  const memory = await connect('memory:')
  try {
    const sql = db.collection('scans')
    const reference = memory.collection('scans')
    // JSON keeps what the stores may differ in (prototypes) out, and ±Infinity and NaN in.
    const plain = (found: unknown) =>
      JSON.parse(JSON.stringify(found, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? `${v}` : v)))
    const same = async (run: (collection: Collection) => Promise<unknown>, context: string) => {
      assert.deepStrictEqual(plain(await run(sql)), plain(await run(reference)), context)
    }
    await fc.assert(
      fc.asyncProperty(documents, filter, sort, page, async (docs, where, order, { skip, limit }) => {
        await reset([sql, reference], docs)
        const context = JSON.stringify({ where, order, skip, limit })
        await same((c) => c.find(where, { sort: order, skip, limit }).toArray(), context)
        await same((c) => c.find(where).toArray(), context)
        await same((c) => c.countDocuments(where), context)
      }),
      { numRuns: 120, examples },
    )
  } finally {
    await db.close()
    await memory.close()
    await env.drop()
  }
})

type Place = { _id: string; city: string; score: number; n: { x: number } }

/** The places `keep` selects, sorted by `n.x` in `direction`, then by `_id`. */
function expectedTop(docs: Place[], keep: (doc: Place) => boolean, direction: 1 | -1): Place[] {
  return docs.filter(keep).sort((a, b) => direction * (a.n.x - b.n.x) || (a._id < b._id ? -1 : 1))
}

test('an unindexed scan reads each path once; an indexed filter or an _id keeps its index', async (t) => {
  await withPostgres(t, 'scan_explain', async (db, env) => {
    const places = db.collection('places')
    await places.createIndex({ city: 1 })
    const docs: Place[] = Array.from({ length: 3000 }, (_, i) => ({
      _id: `p${i}`,
      city: `c${i % 300}`,
      score: i % 7,
      n: { x: i % 11 },
    }))
    await places.insertMany(structuredClone(docs))
    await env.client.query(`ANALYZE "${env.schema}"."places"`)
    const order = { sort: { 'n.x': -1, _id: 1 }, limit: 5 } as const

    // `n.x` is read by the filter, the array checks and the sort: extracted once, in the subquery.
    const filter = { score: { $gte: 3 }, 'n.x': { $exists: true } }
    const scan = await places.find(filter, order).explain()
    assert.equal(scan.pushdown, 'all')
    assert.equal(scan.fullScan, true)
    const sql = scan.sql ?? ''
    assert.match(sql, / OFFSET 0\) AS docs /)
    assert.equal(sql.split("doc -> 'n' -> 'x'").length, 2)
    // The number range is compared element by element: nothing extracts `score` or checks
    // it for arrays; the only other mention is the test that it is there.
    assert.match(sql, /doc \? 'score' AND jsonb_path_match\(doc, '\$\."score" >= \$v0'/)
    assert.equal(sql.split("'score'").length, 2)
    assert.doesNotMatch(sql, /"doc\.score"/)
    assert.doesNotMatch(sql, /#>/)
    // The ids are asked of the table once, through their partial index, not row by row.
    assert.ok(scan.indexes.includes('places.$id.unordered'), scan.indexes.join(', '))
    const top = await places.find(filter, order).toArray()
    assert.deepEqual(top, expectedTop(docs, (doc) => doc.score >= 3, -1).slice(0, 5))

    // A filter that reads no extracted path would only pay for extracting the sort key
    // from every row instead of from the matching ones: the plain table.
    const compared = await places.find({ score: { $gte: 3 } }, order).explain()
    assert.doesNotMatch(compared.sql ?? '', /OFFSET 0/)
    assert.deepEqual(await places.find({ score: { $gte: 3 } }, order).toArray(), top)

    // Two paths alike in their first 63 bytes (PostgreSQL's longest name) stay two columns.
    const long = `${'a'.repeat(30)}.${'b'.repeat(40)}`
    const longer = { [`${long}.x`]: { $exists: false }, [`${long}.y`]: { $exists: false }, score: 6 }
    const few = await places.find(longer, { sort: { 'n.x': 1, _id: 1 }, limit: 2 }).toArray()
    assert.deepEqual(few, expectedTop(docs, (doc) => doc.score === 6, 1).slice(0, 2))

    // The indexed path is read as the index has it; the others with the cheaper `->`, and
    // the number range element by element.
    const indexed = await places.find({ city: 'c3', score: { $gte: 3 } }, order).explain()
    assert.doesNotMatch(indexed.sql ?? '', /OFFSET 0/)
    assert.match(indexed.sql ?? '', /doc #> '\{city\}'/)
    assert.match(indexed.sql ?? '', /doc -> 'n' -> 'x'/)
    assert.match(indexed.sql ?? '', /jsonb_path_match\(doc, '\$\."score" >= \$v0'/)
    assert.doesNotMatch(indexed.sql ?? '', /#> '\{(score|n,x)\}'/)
    assert.ok(indexed.indexes.includes('places.city_1'), indexed.indexes.join(', '))
    const some = await places.find({ city: 'c3', score: { $gte: 3 } }, order).toArray()
    assert.deepEqual(some, expectedTop(docs, (doc) => doc.city === 'c3' && doc.score >= 3, -1).slice(0, 5))

    const byId = await places.find({ _id: { $in: ['p1', 'p2'] }, score: { $gte: 1 } }, order).explain()
    assert.doesNotMatch(byId.sql ?? '', /OFFSET 0/)
    assert.equal(byId.fullScan, false)
  })
})

test('a table PostgreSQL would scan in parallel is read without the subquery that forbids it', async (t) => {
  await withPostgres(t, 'scan_parallel', async (db, env) => {
    const places = db.collection<Place & { pad: string }>('places')
    const fill = (from: number, count: number) =>
      Array.from({ length: count }, (_, k) => {
        const i = from + k
        // Text that does not compress, so the table grows by what it holds.
        const pad = Array.from({ length: 120 }, (_, j) => ((i * 7919 + j * 104729) % 1e9).toString(36)).join(
          '',
        )
        return { _id: `p${i}`, city: `c${i % 300}`, score: i % 7, n: { x: i % 11 }, pad }
      })
    const order = { sort: { 'n.x': -1, _id: 1 }, limit: 5 } as const
    const docs = fill(0, 100)
    await places.insertMany(structuredClone(docs))
    const filter = { score: { $gte: 3 }, 'n.x': { $exists: true } }
    const small = await places.find(filter, order).explain()
    assert.match(small.sql ?? '', / OFFSET 0\) AS docs /)

    // Past min_parallel_table_scan_size (8 MB by default): the next find sees the growth.
    const { rows } = await env.client.query(
      "SELECT pg_size_bytes(current_setting('min_parallel_table_scan_size')) AS bytes",
    )
    const more = fill(docs.length, Math.ceil(Number(rows[0].bytes) / 1000))
    for (let i = 0; i < more.length; i += 1000)
      await places.insertMany(structuredClone(more.slice(i, i + 1000)))
    docs.push(...more)
    const large = await places.find(filter, order).explain()
    assert.doesNotMatch(large.sql ?? '', /OFFSET 0/)
    assert.match(large.sql ?? '', /doc -> 'n' -> 'x'/)
    const top = await places.find(filter, order).toArray()
    assert.deepEqual(top, expectedTop(docs, (doc) => doc.score >= 3, -1).slice(0, 5))
  })
})

test('on a table large enough, an element-wise filter and a group run in parallel workers', async (t) => {
  await withPostgres(t, 'scan_workers', async (db, env) => {
    const people = db.collection('people')
    await people.createIndex({ city: 1 })
    const docs = Array.from({ length: 100_000 }, (_, i) => ({
      _id: `d${i}`,
      age: i % 100,
      city: `c${i % 100}`,
      score: (i * 7919) % 1000,
    }))
    for (let i = 0; i < docs.length; i += 5000) await people.insertMany(docs.slice(i, i + 5000))
    await env.client.query(`VACUUM ANALYZE "${env.schema}"."people"`)
    // Priced as one operator a row, the path predicate kept the scan serial; with the test
    // that its field is there (which changes no answer), PostgreSQL plans workers.
    const order = { sort: { score: -1, _id: 1 }, limit: 10 } as const
    const plan = await people.find({ age: { $gte: 50 } }, order).explain()
    assert.equal(plan.fullScan, true)
    const { rows } = await env.client.query(
      "SELECT current_setting('max_parallel_workers_per_gather')::int AS n",
    )
    // A server set to run no workers plans none, whatever the statement.
    if (rows[0].n > 0) assert.match(JSON.stringify(plan.detail), /"Node Type":"Gather/)
    const top = docs
      .filter((doc) => doc.age >= 50)
      .sort((a, b) => b.score - a.score || (a._id < b._id ? -1 : 1))
      .slice(0, 10)
    assert.deepEqual(await people.find({ age: { $gte: 50 } }, order).toArray(), top)

    // A group over the whole collection: each path is read once per row in a subquery
    // the planner must not merge, and that fence still lets workers scan and group.
    const spec = { _id: '$city', total: { $sum: '$score' }, top: { $max: '$age' } }
    const grouped = groupStatement({}, simpleGroup(spec)!, postgresGroupDialect, {
      table: `"${env.schema}"."people"`,
      arrayIndexed: new Set(),
    })
    const explained = await env.client.query(`EXPLAIN (FORMAT JSON) ${grouped?.sql}`, grouped?.params)
    if (rows[0].n > 0) assert.match(JSON.stringify(explained.rows), /"Partial Mode":"Partial"/)
    const expected = new Map<string, { total: number; top: number }>()
    for (const doc of docs) {
      const group = expected.get(doc.city) ?? { total: 0, top: -1 }
      expected.set(doc.city, { total: group.total + doc.score, top: Math.max(group.top, doc.age) })
    }
    const answer = await people.aggregate([{ $group: spec }]).toArray()
    assert.deepEqual(
      answer,
      [...expected].map(([_id, group]) => ({ _id, ...group })),
    )
  })
})

test('an indexed find whose array check finds an array, or that matches nothing, still answers', async (t) => {
  await withPostgres(t, 'scan_guard', async (db) => {
    const posts = db.collection('posts')
    await posts.createIndex({ tag: 1 })
    await posts.insertMany([
      { _id: 1, tag: 'a' },
      { _id: 2, tag: ['a', 'b'] },
      { _id: 3, tag: 'b' },
    ])
    const ids = async (where: Record<string, unknown>) =>
      (await posts.find(where).toArray()).map((doc) => doc._id)
    assert.deepEqual(await ids({ tag: 'a' }), [1, 2])
    assert.deepEqual(await ids({ tag: 'b' }), [2, 3])
    assert.deepEqual(await ids({ tag: 'c' }), [])
    await posts.deleteOne({ _id: 2 })
    assert.deepEqual(await ids({ tag: 'a' }), [1])
    assert.deepEqual(await ids({ tag: 'c' }), [])
  })
})
