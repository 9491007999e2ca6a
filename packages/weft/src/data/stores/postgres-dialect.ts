// PostgreSQL's side of the pushdown: values are read as JSONB with `doc #> '{a,b}'`, the
// very expression `createIndex` indexes. JSONB comparisons are already typed (1 never
// equals true) and order types as null < string < number < boolean < array < object,
// so a numeric range is bounded to the numbers and an index scan never leaves them.
// String ranges stay in JavaScript: JSONB orders strings by the database collation,
// which need not be MongoDB's binary order.

import { encodeValue } from './json-codec.js'
import type { GroupDialect } from './sql-group.js'
import { unorderedIdsIndexName } from './sql-indexes.js'
import type { Bound, SqlDialect } from './sql-pushdown.js'
import { elementTests, SQL_OPERATOR } from './sql-pushdown.js'

/** A PostgreSQL identifier (schema, table, index), quoted. */
export function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

export function pgPath(segments: string[]): string {
  return `'{${segments.join(',')}}'`
}

/**
 * `doc -> 'a' -> 'b'`: `doc #> '{a,b}'` for plain names (never array positions), without
 * parsing a path array for each row; for reading values, not for conditions an index serves.
 */
export function arrowPath(segments: string[]): string {
  return `doc${segments.map((segment) => ` -> '${segment}'`).join('')}`
}

// -Infinity is stored as -1e999 (see json-codec.ts), the lowest number there is.
const LOWEST_NUMBER = "'-1e999'::jsonb"
const LOWEST_BOOLEAN = "'false'::jsonb"

export const postgresDialect: SqlDialect = {
  param(params, value) {
    params.push(value)
    return `$${params.length}`
  },
  value: (segments) => `(doc #> ${pgPath(segments)})`,
  equals(segments, value, params) {
    if (typeof value === 'string' && !comparableInDoc(value)) return null
    return `${this.value(segments)} = ${this.param(params, encodeValue(value))}::jsonb`
  },
  isNull(segments) {
    const v = this.value(segments)
    return `(${v} IS NULL OR ${v} = 'null'::jsonb)`
  },
  exists(segments, exists) {
    return `${this.value(segments)} IS ${exists ? 'NOT NULL' : 'NULL'}`
  },
  range(segments, lower, upper, params) {
    if (typeof (lower ?? upper)!.value !== 'number') return null
    const v = this.value(segments)
    const parts = [lower, upper]
      .filter((bound): bound is Bound => bound !== null)
      .map((bound) => `${v} ${SQL_OPERATOR[bound.op]} ${this.param(params, encodeValue(bound.value))}::jsonb`)
    // Between two numbers there are only numbers; an open side gets a fence.
    if (!upper) parts.push(`${v} < ${LOWEST_BOOLEAN}`)
    if (!lower) parts.push(`${v} >= ${LOWEST_NUMBER}`)
    return `(${parts.join(' AND ')})`
  },
  isArray(segments) {
    return `jsonb_typeof(${this.value(segments)}) = 'array'`
  },
  notNumber(segments) {
    return `jsonb_typeof(${this.value(segments)}) IS DISTINCT FROM 'number'`
  },
  // `_id` holds the id's JSON text, quotes included; "C" orders by bytes whatever the
  // database's collation. With the quotes kept, bytes order ids as JavaScript does as long
  // as no character sorts below the closing quote ('ab!' would come before 'ab'): plain
  // ids are JSON strings (a leading quote) of ASCII (as many bytes as characters) without
  // an escape (no backslash: JSON.stringify escapes quotes and control characters), a
  // space or a '!'. Five cheap scans per row cost less than trimming the quotes (a new
  // string per row) or one regular expression.
  idOrder: `_id COLLATE "C"`,
  notPlainId:
    `(_id NOT LIKE '"%' OR strpos(_id, '\\') > 0 OR strpos(_id, ' ') > 0 OR strpos(_id, '!') > 0 ` +
    'OR octet_length(_id) <> length(_id))',
}

/**
 * Grouping in PostgreSQL (see sql-group.ts). A string holding U+FFFD may stand for
 * U+0000 in `doc` (JSONB cannot hold it): it is left to the engine, which reads `body`.
 */
export const postgresGroupDialect: GroupDialect = {
  base: postgresDialect,
  extract: (segments, column) => [`${arrowPath(segments)} AS ${column('v')}`],
  // The value's text and whether it is a string, which keeps 1 and '1' apart: text hashes
  // and compares for less than JSONB (50,000 orders grouped by user: 47 → 35 ms). Null
  // and missing both give a null text.
  key: (column) => [
    `jsonb_typeof(${column('v')}) IS NOT DISTINCT FROM 'string' AS ks`,
    `${column('v')} #>> '{}' AS key`,
  ],
  keyColumns: ['ks', 'key'],
  // JSONB keeps a number's digits ('1.0' is not '1'), the engine reads them as doubles:
  // only whole ones within 2^53 agree.
  keyUnsure:
    "CASE WHEN ks THEN strpos(key, chr(65533)) > 0 WHEN key IS NULL OR key IN ('true', 'false') THEN false " +
    "WHEN key ~ '^-?[0-9]+$' THEN abs(key::numeric) > 9007199254740992 ELSE true END",
  isArray: (column) => `jsonb_typeof(${column('v')}) = 'array'`,
  // As doubles, which add up faster than numeric; within the bounds sql-group.ts checks,
  // whole numbers add up exactly either way. Clamped to ±10^18 first: a magnitude past
  // 2^53 sends the group to the engine all the same, and a double past the range (±1e999
  // is how ±Infinity is stored) or a sum past it would stop the statement with an error.
  number: (column) =>
    `CASE WHEN jsonb_typeof(${column('v')}) = 'number' THEN least(greatest(${column('v')}::numeric, -1e18), 1e18)::float8 END`,
  summand: (column) => postgresGroupDialect.number(column),
  // JSONB's own cast refuses a string, null, boolean, array or document, and a number
  // past a double's range (how ±Infinity is stored) or a sum past it overflows: each an
  // error, and the caller runs the statement above instead. Without the type test and the
  // clamp, the region's group statement took 3.7–3.9 ms against 4.0, the unwound one
  // 7.6–8.0 against 8.5–9.0 (see docs/benchmarks.md).
  strictNumber: (column) => `(${column('v')})::float8`,
  someNotWhole: (number) => `bool_or(${number} <> trunc(${number}))`,
  notNumber: (column) => `coalesce(jsonb_typeof(${column('v')}), 'null') NOT IN ('number', 'null')`,
  keyOrder: 'key COLLATE "C"',
  keyUnordered: 'NOT ks OR octet_length(key) <> length(key)',
  // A string as it is; true, false and numbers are JSON text.
  decodeKey: (row) => (row.ks || row.key === null ? row.key : JSON.parse(row.key as string)),
  order: 'seq',
  unwind(segments) {
    const v = arrowPath(segments)
    const elements =
      `CASE WHEN jsonb_typeof(${v}) = 'array' THEN ${v} WHEN ${v} IS NULL OR jsonb_typeof(${v}) = 'null' ` +
      `THEN '[]'::jsonb ELSE jsonb_build_array(${v}) END`
    return {
      join: ` CROSS JOIN LATERAL jsonb_array_elements(${elements}) WITH ORDINALITY AS u(elem, idx)`,
      // In bigint arithmetic, not numeric (a tenth of the statement); past 2^31 rows the
      // order would not fit in 64 bits, and the row is left to the engine.
      order: 'CASE WHEN seq < 2147483648 THEN seq * 4294967296 + u.idx END',
      bad: 'seq >= 2147483648',
    }
  },
  elementIsArray: "jsonb_typeof(u.elem) = 'array'",
  extractElement: (segments, column) => [
    `${segments.length === 0 ? 'u.elem' : `u.elem -> '${segments[0]}'`} AS ${column('v')}`,
  ],
  // A volatile column keeps the subquery whole, as OFFSET 0 would; unlike OFFSET 0 it
  // leaves the scan and the grouping free to run in parallel workers (50,000 orders
  // grouped by user: 1.71x the hand-written statement with OFFSET 0, 1.38x with this).
  fenced: (columns, from) => `SELECT ${columns.join(', ')}, clock_timestamp() AS fence FROM ${from}`,
}

/**
 * The rows whose `_id` SQL cannot order (see `unorderedIdsIndexName`), as the test its
 * partial index serves. An equality, so the planner guesses it rare and asks the index:
 * the OR of `notPlainId` itself looked common to it, and a scan for the first such row
 * read the whole table.
 */
export const UNORDERED_IDS = `(CASE WHEN ${postgresDialect.notPlainId} THEN 1 ELSE 0 END) = 1`

export function unorderedIdsIndex(table: string, collection: string): string {
  return `CREATE INDEX IF NOT EXISTS ${quote(unorderedIdsIndexName(collection))} ON ${table} (_id) WHERE ${UNORDERED_IDS}`
}

/**
 * The dialect of a collection whose indexes name the `indexed` paths: those are read as
 * `doc #> '{a,b}'`, the very expression indexed, and every other path as
 * `doc -> 'a' -> 'b'`, which parses no path array per row (a 500-row find with one
 * unindexed condition ran 6% faster), and is compared element by element where it can be.
 */
export function indexedPathsDialect(indexed: ReadonlySet<string>): SqlDialect {
  return {
    ...postgresDialect,
    value: (segments) =>
      indexed.has(segments.join('.')) ? postgresDialect.value(segments) : `(${arrowPath(segments)})`,
    elementwise: (segments, ops, params) =>
      indexed.has(segments.join('.')) ? null : elementComparisons(segments, ops, params),
  }
}

/**
 * False for a string `doc` may hold altered: JSONB cannot hold U+0000, so such strings
 * are stored there with U+FFFD in its place (see postgres-collection.ts), and SQL could
 * not tell 'a\u0000' from 'a\uFFFD'. JavaScript compares those.
 */
function comparableInDoc(value: string): boolean {
  return !/[\0\uFFFD]/.test(value)
}

/**
 * A field's comparisons (see `elementTests`) as one SQL/JSON path predicate. Its lax mode
 * compares each element of an array met on the way, one level deep, and values of two
 * types are neither equal nor ordered: MongoDB's own semantics. So the test needs no
 * array check per row, which cost an unindexed range about as much as the comparison
 * itself (a 10,000-document scan spent 40% less). Not for indexed paths: no index serves
 * the predicate. The values reach it through one object built once per statement (the
 * scalar subquery), as parameters of their own.
 */
export function elementComparisons(
  segments: string[],
  ops: Record<string, unknown>,
  params: unknown[],
): string | null {
  const tests = elementTests(ops, comparableInDoc)
  if (!tests) return null
  const values: unknown[] = []
  const path = `$${segments.map((segment) => `."${segment}"`).join('')}`
  const compare = (operator: string, value: unknown) => `${path} ${operator} $v${values.push(value) - 1}`
  const predicate = tests.map((test) =>
    test.op === '$in'
      ? `(${test.values.map((value) => compare('==', value)).join(' || ')})`
      : compare(SQL_OPERATOR[test.op], test.value),
  )
  const vars = values.map(
    (value, i) => `'v${i}', ${postgresDialect.param(params, encodeValue(value))}::jsonb`,
  )
  // None of these tests matches a document without the path's first field, so saying so
  // (`?`: a key lookup, no value copied) changes no answer. It shows the planner a cost
  // per row nearer the predicate's real one, which it prices as a single operator: on a
  // table large enough for a parallel scan it then plans one (100,000 documents: 41 →
  // 29 ms a query; 10,000, too small for one: 4.4 → 4.5 ms).
  const match = `jsonb_path_match(doc, '${predicate.join(' && ')}', (SELECT jsonb_build_object(${vars.join(', ')})), true) IS TRUE`
  return `(doc ? '${segments[0]}' AND ${match})`
}
