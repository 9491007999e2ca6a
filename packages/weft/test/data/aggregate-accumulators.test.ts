// `$group`'s accumulators fold as they go ($sum, $avg, $min, $max, $count, $first, $last):
// their answers must be, to the bit, what collecting every value and finishing once gives
// (the array forms of the expression operators: `sumOf`, `averageOf`, `extremeOf`), over
// any mix of types, missing values, -0, NaN and sums that lose precision.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { averageOf, extremeOf, sumOf } from '../../src/data/query/aggregate/expression-array.ts'
import { compilePipeline } from '../../src/data/query/aggregate/index.ts'
import { groupKey } from '../../src/data/query/aggregate/stage-group.ts'

type Doc = Record<string, unknown>

const noForeign = async () => []
const run = (pipeline: Doc[], docs: Doc[]) => compilePipeline(pipeline)(docs, noForeign)

const value = fc.oneof(
  fc.constantFrom<unknown>(null, 0, -0, 1, -1, 0.1, 0.2, 0.3, 1e16, -1e16, 2 ** 53, Number.NaN),
  fc.constantFrom<unknown>(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1n, -3n),
  fc.constantFrom<unknown>('a', 'B', '', true, false, [1, 2], [], { x: 1 }, {}, new Date(0), new Date(9)),
  fc.double(),
  fc.integer(),
)
// Strings that look like the keys other values group under, next to those values.
const key = fc.constantFrom<unknown>(
  'a',
  'b',
  'n:1',
  's:"a"',
  'null',
  1,
  1.0,
  2,
  1n,
  -0,
  0,
  null,
  true,
  [1],
  {
    x: 1,
  },
)

/** Documents with `g` (the group) and `v` (the value), each present or missing. */
const documents = fc.array(fc.record({ g: key, v: value }, { requiredKeys: [] }), { maxLength: 30 })

const finish: Record<string, (values: unknown[]) => unknown> = {
  sum: sumOf,
  avg: averageOf,
  min: (values) => extremeOf(values, -1),
  max: (values) => extremeOf(values, 1),
  first: (values) => (values.length === 0 ? null : (values[0] ?? null)),
  last: (values) => (values.length === 0 ? null : (values[values.length - 1] ?? null)),
  push: (values) => values.filter((item) => item !== undefined),
  count: (values) => sumOf(values.map(() => 1)),
  ones: (values) => sumOf(values.map(() => 1)),
}

const group = {
  _id: '$g',
  sum: { $sum: '$v' },
  avg: { $avg: '$v' },
  min: { $min: '$v' },
  max: { $max: '$v' },
  first: { $first: '$v' },
  last: { $last: '$v' },
  push: { $push: '$v' },
  count: { $count: {} },
  ones: { $sum: 1 },
}

/** The groups as collecting every value gives them: first arrival order, groupKey equality. */
function collected(docs: Doc[]): Doc[] {
  const groups = new Map<string, { id: unknown; values: unknown[] }>()
  for (const doc of docs) {
    const id = doc.g ?? null
    const hash = groupKey(id)
    if (!groups.has(hash)) groups.set(hash, { id, values: [] })
    groups.get(hash)?.values.push(doc.v)
  }
  return [...groups.values()].map(({ id, values }) => {
    const out: Doc = { _id: id }
    for (const field of Object.keys(finish)) out[field] = finish[field](values)
    return out
  })
}

describe('$group accumulators fold to what collecting every value gives', () => {
  test('for any values, keys and order', async () => {
    await fc.assert(
      fc.asyncProperty(documents, async (docs) => {
        // deepStrictEqual tells -0 from 0 and sees NaN as NaN: the same bits.
        assert.deepStrictEqual(await run([{ $group: group }], docs), collected(docs))
      }),
      { numRuns: 400 },
    )
  })

  test('$min and $max keep the first of values that compare equal', async () => {
    const docs = [{ v: 0 }, { v: -0 }, { v: 2 }, { v: 2n }, { v: new Date(3) }, { v: new Date(3) }]
    const [out] = await run([{ $group: { _id: null, min: { $min: '$v' }, max: { $max: '$v' } } }], docs)
    assert.ok(Object.is(out.min, 0))
    assert.equal(out.max, docs[4].v)
    const [low] = await run([{ $group: { _id: null, min: { $min: '$v' } } }], docs.slice(2, 4).reverse())
    assert.equal(low.min, 2n)
  })

  test('a sum of fractions adds left to right, as MongoDB adds doubles', async () => {
    const docs = [0.1, 0.2, 0.3, 1e16, 1, -1e16].map((v) => ({ v }))
    const [out] = await run([{ $group: { _id: null, sum: { $sum: '$v' }, avg: { $avg: '$v' } } }], docs)
    assert.equal(out.sum, 0.1 + 0.2 + 0.3 + 1e16 + 1 - 1e16)
    assert.equal(out.avg, (0.1 + 0.2 + 0.3 + 1e16 + 1 - 1e16) / 6)
  })

  test('$first and $last still evaluate every document, so one that fails fails the pipeline', async () => {
    const docs = [{ v: [1] }, { v: 3 }]
    await assert.rejects(run([{ $group: { _id: null, f: { $first: { $size: '$v' } } } }], docs), {
      name: 'QueryError',
    })
    await assert.rejects(
      run([{ $group: { _id: null, l: { $last: { $size: '$v' } } } }], [...docs].reverse()),
      { name: 'QueryError' },
    )
  })

  test('a string key and a value whose groupKey reads the same stay two groups, in arrival order', async () => {
    const docs = [{ g: 'n:1' }, { g: 1 }, { g: 'null' }, { g: null }, { g: 1n }, {}]
    const out = await run([{ $group: { _id: '$g', n: { $count: {} } } }], docs)
    assert.deepStrictEqual(out, [
      { _id: 'n:1', n: 1 },
      { _id: 1, n: 2 },
      { _id: 'null', n: 1 },
      { _id: null, n: 2 },
    ])
  })
})
