// fast-check generators for aggregation pipelines, for the differential against mingo's
// aggregator. Documents always hold every field (`s` scalar, `q` number or null, `a` and
// `b` anything), so that missing-field rules where mingo and MongoDB part ways ($push of
// a missing value, `$count` of nothing, `$toLower` of null) are pinned by unit tests instead. Ordering
// comparisons stay within numbers: mingo's `$gt` across types (`false > 0`) does not
// follow BSON order as MongoDB's does.

import fc from 'fast-check'
import * as arb from './arbitraries.ts'

type Doc = Record<string, unknown>

const quantity = fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.5, 2.25))

// mingo's $unwind drops a document whose field is "" (MongoDB unwinds it as one value).
const unwindable = arb.fieldValue.filter((value) => !JSON.stringify(value).includes('""'))

export const documents: fc.Arbitrary<Doc[]> = fc
  .array(fc.record({ a: arb.fieldValue, b: unwindable, s: arb.scalar, q: quantity }), { maxLength: 10 })
  .map((docs) => docs.map((doc, i) => ({ _id: i + 1, ...doc })))

/** The other side of `$lookup`: `k` present or missing. */
export const foreignDocuments: fc.Arbitrary<Doc[]> = fc
  .array(fc.record({ k: arb.scalar, v: fc.integer({ min: 0, max: 9 }) }, { requiredKeys: ['v'] }), {
    maxLength: 6,
  })
  .map((docs) => docs.map((doc, i) => ({ _id: i + 1, ...doc })))

const small = fc.integer({ min: -3, max: 3 })

/** Expressions that never fail on these documents. */
export const expression: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('$s', '$q', '$a'),
  // A bare number in $project is an inclusion flag, so constants are $literal.
  small.map((n) => ({ $literal: n })),
  fc.tuple(fc.constantFrom('$add', '$multiply', '$subtract'), small).map(([op, n]) => ({ [op]: ['$q', n] })),
  small.map((n) => ({ $ifNull: ['$q', n] })),
  fc
    .tuple(fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$cmp'), small)
    .map(([op, value]) => ({ [op]: [{ $ifNull: ['$q', 0] }, value] })),
  // Only on scalars: mingo's expression $eq looks inside arrays, MongoDB's does not.
  fc
    .tuple(fc.constantFrom('$eq', '$ne'), arb.scalar)
    .map(([op, value]) => ({ [op]: ['$s', { $literal: value }] })),
  fc
    .tuple(small, small)
    .map(([value, n]) => ({ $cond: [{ $gt: [{ $ifNull: ['$q', 0] }, value] }, '$q', n] })),
  fc.constant({ $cond: [{ $isArray: '$b' }, { $size: '$b' }, -1] }),
  fc.constant({ $toUpper: { $cond: [{ $eq: ['$s', 'ab'] }, '$s', 'none'] } }),
  fc.constant({ $concat: [{ $toLower: { $cond: [{ $eq: ['$s', 'B'] }, '$s', 'Q'] } }, '-x'] }),
)

// `s` stays a scalar and `q` a number or null through a $group; `a` takes anything.
const scalarAccumulator = fc.oneof(
  fc.constant({ $count: {} }),
  fc.constantFrom('$min', '$max', '$first', '$last').map((op) => ({ [op]: '$s' })),
)
const numberAccumulator = fc.oneof(
  fc.constant({ $sum: 1 }),
  fc.constantFrom('$sum', '$avg', '$min', '$max').map((op) => ({ [op]: '$q' })),
)
const anyAccumulator = fc.oneof(scalarAccumulator, numberAccumulator, fc.constant({ $push: '$s' }))

// Every stage keeps `s`, `q` and `a` present, so accumulators never read a missing value.
const group = fc
  .tuple(fc.constantFrom('$s', null, '$q'), scalarAccumulator, numberAccumulator, anyAccumulator)
  .map(([id, s, q, a]): Doc[] => [
    { $group: { _id: id, s, q, a } },
    // Group order is not defined by MongoDB: sort it.
    { $sort: { _id: 1 } },
  ])

const stage: fc.Arbitrary<Doc[]> = fc.oneof(
  arb.filter.map((filter) => [{ $match: filter }]),
  arb.sort.map((sort) => [{ $sort: sort }]),
  fc.integer({ min: 1, max: 5 }).map((n) => [{ $limit: n }]),
  fc.integer({ min: 0, max: 4 }).map((n) => [{ $skip: n }]),
  fc
    .tuple(expression, fc.boolean())
    .map(([e, hideId]) => [{ $project: { e, s: 1, q: 1, a: 1, ...(hideId ? { _id: 0 } : {}) } }]),
  fc.constant<Doc[]>([{ $project: { b: 0 } }]),
  expression.map((e) => [{ $addFields: { e } }]),
  expression.map((e) => [{ $set: { a: e } }]),
  fc.constant<Doc[]>([{ $unset: 'b' }]),
  group,
  fc
    .record(
      { includeArrayIndex: fc.constant('i'), preserveNullAndEmptyArrays: fc.boolean() },
      { requiredKeys: [] },
    )
    .map((options) => [{ $unwind: { path: '$b', ...options } }]),
  fc.constant<Doc[]>([{ $lookup: { from: 'foreign', localField: 's', foreignField: 'k', as: 'joined' } }]),
)

const flat = (stages: Doc[][]) => stages.flat()

/** 1 to 4 stages; $facet runs 1 to 2 of them side by side. */
export const pipeline: fc.Arbitrary<Doc[]> = fc.oneof(
  { weight: 4, arbitrary: fc.array(stage, { minLength: 1, maxLength: 4 }).map(flat) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.array(stage, { maxLength: 2 }).map(flat),
        fc.array(stage, { minLength: 1, maxLength: 2 }).map(flat),
      )
      .map(([before, inner]) => [
        ...before,
        { $facet: { one: inner, total: [{ $group: { _id: null, n: { $sum: 1 } } }] } },
      ]),
  },
)

// For $group pushdown: values SQL answers (whole numbers, strings, booleans, null,
// missing) and values it must hand back (fractions, arrays, documents, numbers past 2^53).
const groupValue = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 3, arbitrary: fc.constantFrom<unknown>('a', 'b', 'B', true, false, null) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(0.5, -2.25, [1, 2], [], { x: 1 }, 2 ** 53 + 2, -(2 ** 60)),
  },
)

/**
 * Documents for $group: `g` and `n` present or missing, `o.x` nested, `t` a whole number,
 * `u` to unwind (an array of documents and values, a value, a document, or missing).
 */
export const groupDocuments: fc.Arbitrary<Doc[]> = fc
  .array(
    fc.record(
      {
        g: groupValue,
        n: groupValue,
        o: fc.oneof(fc.record({ x: groupValue }), groupValue),
        t: fc.integer({ min: -9, max: 9 }),
        u: fc.oneof(
          {
            weight: 4,
            arbitrary: fc.array(fc.oneof(fc.record({ x: groupValue }), groupValue), { maxLength: 3 }),
          },
          { weight: 1, arbitrary: fc.oneof(groupValue, fc.record({ x: groupValue })) },
        ),
      },
      { requiredKeys: ['t'] },
    ),
    { maxLength: 12 },
  )
  .map((docs) => docs.map((doc, i) => ({ _id: i + 1, ...doc })))

const groupField = fc.constantFrom('$g', '$n', '$o.x', '$t', '$u', '$u.x')
const groupAccumulator = fc.oneof(
  fc.tuple(fc.constantFrom('$sum', '$avg', '$min', '$max'), groupField).map(([op, path]) => ({ [op]: path })),
  fc.constantFrom<unknown>({ $count: {} }, { $sum: 1 }, { $sum: 3 }, { $sum: 0.5 }, { $first: '$n' }),
)

// What may follow the group: a top N on its accumulators (which SQL may answer with it,
// ties in order of first appearance), on a missing field or on _id (which it leaves to the
// engine), or another stage.
const direction = fc.constantFrom<1 | -1>(1, -1)
const afterGroup = fc.oneof(
  fc.constant<Doc[]>([]),
  fc.constant<Doc[]>([{ $match: { f0: { $ne: null } } }]),
  fc.tuple(direction, fc.integer({ min: 1, max: 3 })).map(([d, n]) => [{ $sort: { f0: d } }, { $limit: n }]),
  fc.tuple(direction, direction).map(([d, e]) => [{ $sort: { f1: d, f0: e } }]),
  fc.integer({ min: 1, max: 3 }).map((n) => [{ $limit: n }]),
  fc.tuple(direction, fc.integer({ min: 1, max: 3 })).map(([d, n]) => [{ $sort: { _id: d } }, { $limit: n }]),
  fc.tuple(direction, direction).map(([d, e]) => [{ $sort: { f0: d, _id: e } }, { $limit: 2 }]),
)

/** An optional $match, then a $group with one to three accumulators, maybe more stages after. */
export const groupPipeline: fc.Arbitrary<Doc[]> = fc
  .tuple(
    fc.option(
      fc.constantFrom<Doc>(
        { t: { $gte: 0 } },
        { g: 'a' },
        { n: { $gt: 0 } },
        { 'o.x': { $in: [1, 2] } },
        { $or: [{ g: true }, { t: 3 }] },
      ),
      { nil: null },
    ),
    // An $unwind before the group, which SQL stores may answer with it ('$u.x.y' they leave).
    fc.option(fc.constantFrom<Doc>({ $unwind: '$u' }, { $unwind: { path: '$u' } }), { nil: null }),
    fc.constantFrom<unknown>('$g', '$n', '$o.x', '$t', null, '$o', '$u', '$u.x', '$u.x.y'),
    fc.array(groupAccumulator, { minLength: 1, maxLength: 3 }),
    afterGroup,
  )
  .map(([match, unwind, id, accumulators, after]) => {
    const group: Doc = { _id: id }
    accumulators.forEach((accumulator, i) => {
      group[`f${i}`] = accumulator
    })
    return [...(match ? [{ $match: match }] : []), ...(unwind ? [unwind] : []), { $group: group }, ...after]
  })
