// fast-check generators for differential tests: documents, filters, updates, sorts and
// projections over a small set of field names and values, so that generated filters
// often hit generated documents. Shared by every store's differential test.
//
// Where mingo (the reference) deviates from real MongoDB, the generators avoid the case
// and say why; the exact MongoDB behaviour is pinned by unit tests instead.

import fc from 'fast-check'

export type Doc = Record<string, unknown> & { _id: number }

// Top-level fields, nested fields, and scalar values chosen to collide often.
const topFields = ['a', 'b', 'c'] as const
const subFields = ['x', 'y'] as const
const strings = ['', 'a', 'b', 'ab', 'B', 'ba'] as const

export const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(0.5, -1.5, 2.25) },
  { weight: 3, arbitrary: fc.constantFrom(...strings) },
  { weight: 2, arbitrary: fc.boolean() },
)

// Arrays never hold two equal elements: mingo's $addToSet leaves an array that already
// holds duplicates unchanged ({ x: [1, 1] } with $addToSet: { x: 2 }), MongoDB adds.
const distinctArray = <T>(item: fc.Arbitrary<T>, maxLength: number) =>
  fc.uniqueArray(item, { maxLength, selector: (value) => JSON.stringify(value) })

// `x` is always present and first: MongoDB orders documents by each element's value type
// before its field name, mingo by field name first; with `x` first they agree.
const subDocument: fc.Arbitrary<Record<string, unknown>> = fc.record(
  { x: fc.oneof(scalar, distinctArray(scalar, 3)), y: scalar },
  { requiredKeys: ['x'] },
)

// Arrays hold scalars and documents but never arrays, not even one level down
// ([{ x: [1] }]): mingo's matching looks inside nested arrays where MongoDB does not
// (and misses some that MongoDB sees through a path like 'b.x').
const flatSubDocument = fc.record({ x: scalar, y: scalar }, { requiredKeys: ['x'] })
const arrayValue: fc.Arbitrary<unknown[]> = distinctArray(fc.oneof(scalar, flatSubDocument), 4)

export const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 2, arbitrary: arrayValue },
  { weight: 2, arbitrary: subDocument },
)

// `s` and `n` never hold arrays: they are the sort keys (see `sort` below).
const sortable = fc.record({
  s: scalar,
  n: fc.oneof(scalar, fc.record({ x: scalar, y: scalar }, { requiredKeys: ['x'] })),
})

/** Documents with `_id` 1..n (unique), any of a, b, c, s, n present or missing. */
export const documents: fc.Arbitrary<Doc[]> = fc
  .array(
    fc.record(
      { a: fieldValue, b: fieldValue, c: fieldValue, s: scalar, n: sortable.map((v) => v.n) },
      { requiredKeys: [] },
    ),
    {
      maxLength: 12,
    },
  )
  .map((docs) => docs.map((doc, i) => ({ _id: i + 1, ...doc })))

const topPath = fc.constantFrom(...topFields)
const dottedPath = fc.tuple(topPath, fc.constantFrom(...subFields, '0', '1')).map(([a, b]) => `${a}.${b}`)
export const path: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: topPath },
  { weight: 2, arbitrary: dottedPath },
  { weight: 1, arbitrary: fc.constantFrom('s', 'n', 'n.x') },
)

// null compared on a dotted path: mingo does not match {'a.x': null} against
// { a: [{ x: 1 }, {}] }, while MongoDB does (the second element lacks x).
const nonNull = scalar.filter((value) => value !== null)
const operandFor = (p: string) => (p.includes('.') ? nonNull : scalar)

function condition(p: string): fc.Arbitrary<unknown> {
  const operand = operandFor(p)
  return fc.oneof(
    operand,
    // Whole-array equality only on top-level fields: mingo matches { 'c.x': [false] }
    // against { c: [{ x: false }] } (the list of reached values), MongoDB does not.
    ...(p.includes('.') ? [] : [fc.array(operand, { minLength: 1, maxLength: 2 })]),
    operand.map((v) => ({ $eq: v })),
    operand.map((v) => ({ $ne: v })),
    // No null bound: MongoDB's { $lte: null } and { $gte: null } match a missing field, mingo's do not.
    fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), nonNull).map(([op, v]) => ({ [op]: v })),
    fc.array(operand, { maxLength: 3 }).map((v) => ({ $in: v })),
    fc.array(operand, { maxLength: 3 }).map((v) => ({ $nin: v })),
    fc.boolean().map((v) => ({ $exists: v })),
    // Only "array", only on top-level fields: for other types MongoDB also tests each
    // array element and mingo does not; through arrays ('b.y' on b: []) mingo sees the
    // list of reached values as an array. $elemMatch and $size likewise: through an
    // array of documents mingo tests the list of reached values instead of each value.
    ...(p.includes('.') ? [] : [fc.constant({ $type: 'array' })]),
    fc
      .tuple(fc.constantFrom('^a', 'b', 'A$'), fc.constantFrom('', 'i'))
      .map(([re, o]) => ({ $regex: re, $options: o })),
    // No $all: MongoDB matches { c: 1 } with { c: { $all: [1] } } (an $and of equalities),
    // mingo requires an array.
    ...(p.includes('.') ? [] : topOnly()),
    fc.tuple(fc.constantFrom('$gt', '$lt', '$eq'), nonNull).map(([op, v]) => ({ $not: { [op]: v } })),
  )
}

function topOnly(): fc.Arbitrary<unknown>[] {
  return [
    fc.integer({ min: 0, max: 3 }).map((v) => ({ $size: v })),
    fc.tuple(fc.constantFrom('$gt', '$lt'), nonNull).map(([op, v]) => ({ $elemMatch: { [op]: v } })),
    // $elemMatch as a filter over documents ({ $elemMatch: { x: 1 } }) is left out: mingo
    // matches it against scalar elements too, MongoDB only against documents.
  ]
}

const fieldFilter: fc.Arbitrary<Record<string, unknown>> = path.chain((p) =>
  condition(p).map((c) => ({ [p]: c })),
)

/** Filters: one or two field conditions, sometimes under $and, $or or $nor. */
export const filter: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 5, arbitrary: fieldFilter },
  {
    weight: 2,
    arbitrary: fc.tuple(fieldFilter, fieldFilter).map(([x, y]) => ({ ...y, ...x })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('$and', '$or', '$nor'), fc.array(fieldFilter, { minLength: 1, maxLength: 3 }))
      .map(([op, parts]) => ({ [op]: parts })),
  },
)

// Sort keys never reach arrays or documents: mingo sorts arrays by neither MongoDB's
// smallest element (ascending) nor its largest (descending), and orders documents by
// field name before value type; unit tests pin those cases instead.
const sortPath = fc.constantFrom('s', 'n.x', 'n.y')

/** A sort made total by `_id` last, so every store must give one order. */
export const sort: fc.Arbitrary<Record<string, 1 | -1>> = fc
  .uniqueArray(fc.tuple(sortPath, fc.constantFrom(1 as const, -1 as const)), {
    maxLength: 2,
    selector: ([p]) => p,
  })
  .map((keys) => ({ ...Object.fromEntries(keys), _id: 1 as const }))

// Numeric path segments in projections are left out: MongoDB treats 'a.0' as a field
// name there (not a position), and mingo indexes the array.
const projectionPath = fc.oneof(
  topPath,
  fc.tuple(topPath, fc.constantFrom(...subFields)).map(([a, b]) => `${a}.${b}`),
)

/** Inclusion or exclusion projections, sometimes with `_id: 0`. */
export const projection: fc.Arbitrary<Record<string, 0 | 1> | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .tuple(
      fc.uniqueArray(projectionPath, { minLength: 1, maxLength: 2 }),
      fc.constantFrom(0 as const, 1 as const),
      fc.boolean(),
    )
    .filter(([paths]) => !paths.some((p) => paths.some((q) => q !== p && q.startsWith(`${p}.`))))
    .map(([paths, flag, hideId]) => ({
      ...Object.fromEntries(paths.map((p) => [p, flag])),
      ...(hideId ? { _id: 0 as const } : {}),
    })),
)

const updatePath = fc.oneof(
  topPath,
  fc.tuple(topPath, fc.constantFrom(...subFields)).map(([a, b]) => `${a}.${b}`),
  fc.constant('d'),
)

/** One update operator on one or two paths (conflicting paths are possible and must fail). */
export const update: fc.Arbitrary<Record<string, Record<string, unknown>>> = fc.oneof(
  fc.record({ $set: fc.dictionary(updatePath, fieldValue, { minKeys: 1, maxKeys: 2 }) }),
  fc.record({ $unset: fc.dictionary(updatePath, fc.constant(''), { minKeys: 1, maxKeys: 2 }) }),
  fc.record({ $inc: fc.dictionary(updatePath, fc.integer({ min: -2, max: 2 }), { minKeys: 1, maxKeys: 1 }) }),
  fc.record({ $mul: fc.dictionary(updatePath, fc.integer({ min: 1, max: 3 }), { minKeys: 1, maxKeys: 1 }) }),
  // $min and $max only on fields without arrays: mingo does not compare a value with an
  // array in MongoDB's type order ({ c: [] } with $min: { c: '' } must set c to '').
  fc.record({ $min: fc.dictionary(sortPath, scalar, { minKeys: 1, maxKeys: 1 }) }),
  fc.record({ $max: fc.dictionary(sortPath, scalar, { minKeys: 1, maxKeys: 1 }) }),
  fc.record({ $push: fc.dictionary(updatePath, scalar, { minKeys: 1, maxKeys: 1 }) }),
  fc.record({
    $push: fc.dictionary(
      updatePath,
      fc.array(scalar, { maxLength: 3 }).map((each) => ({ $each: each })),
      {
        minKeys: 1,
        maxKeys: 1,
      },
    ),
  }),
  fc.record({ $addToSet: fc.dictionary(updatePath, scalar, { minKeys: 1, maxKeys: 1 }) }),
  fc.record({ $pull: fc.dictionary(updatePath, nonNull, { minKeys: 1, maxKeys: 1 }) }),
  fc.record({
    $pop: fc.dictionary(updatePath, fc.constantFrom(1 as const, -1 as const), { minKeys: 1, maxKeys: 1 }),
  }),
  fc.record({
    $rename: fc.tuple(topPath, fc.constantFrom('d', 'e')).map(([from, to]) => ({ [from]: to })),
  }),
)
