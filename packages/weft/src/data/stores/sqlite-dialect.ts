// SQLite's side of the pushdown: values are read with `json_extract(doc, '$.a.b')`, the
// very expression `createIndex` indexes, and typed with `json_type`, because
// `json_extract` gives `true` as 1 and arrays as JSON text.

import type { GroupDialect } from './sql-group.js'
import type { Bound, SqlDialect } from './sql-pushdown.js'
import { elementTests, SQL_OPERATOR } from './sql-pushdown.js'

const NUMBER_TYPES = "('integer', 'real')"
/** The first characters of a number's JSON text. */
const NUMBER_START = "('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9')"

export function jsonPath(segments: string[]): string {
  return `'$.${segments.join('.')}'`
}

// SQLite compares text by UTF-8 bytes, JavaScript by UTF-16 code units; the two agree
// whenever the bound has no character at or above U+D800 (shown by cases: the first
// differing character of bound and value is then below every surrogate in both orders).
function sameOrderInSqlite(bound: string): boolean {
  for (let i = 0; i < bound.length; i++) if (bound.charCodeAt(i) >= 0xd800) return false
  return true
}

// json_extract reads true and false as 1 and 0: a type test is needed only where those
// two numbers are in play. Objects and arrays read as JSON text starting with { or [:
// a string equality needs the type test only for such strings.
function mayBeBoolean(lower: Bound | null, upper: Bound | null): boolean {
  const aboveLow = (n: number) =>
    !lower || (lower.op === '$gte' ? n >= (lower.value as number) : n > (lower.value as number))
  const belowHigh = (n: number) =>
    !upper || (upper.op === '$lte' ? n <= (upper.value as number) : n < (upper.value as number))
  return [0, 1].some((n) => aboveLow(n) && belowHigh(n))
}

export const sqliteDialect: SqlDialect = {
  param(params, value) {
    params.push(value)
    return '?'
  },
  value: (segments) => `json_extract(doc, ${jsonPath(segments)})`,
  equals(segments, value, params) {
    const v = this.value(segments)
    const t = `json_type(doc, ${jsonPath(segments)})`
    const cmp = `${v} = ${this.param(params, typeof value === 'boolean' ? Number(value) : value)}`
    if (typeof value === 'number')
      return value === 0 || value === 1 ? `(${cmp} AND ${t} IN ${NUMBER_TYPES})` : cmp
    if (typeof value === 'string') return /^[[{]/.test(value) ? `(${cmp} AND ${t} = 'text')` : cmp
    return `(${cmp} AND ${t} = '${value}')`
  },
  isNull: (segments) => `json_extract(doc, ${jsonPath(segments)}) IS NULL`,
  exists: (segments, exists) => `json_type(doc, ${jsonPath(segments)}) IS ${exists ? 'NOT NULL' : 'NULL'}`,
  range(segments, lower, upper, params) {
    const v = this.value(segments)
    const t = `json_type(doc, ${jsonPath(segments)})`
    // Refused before any parameter is added: a refused range leaves the statement's parameters as they were.
    const text = typeof (lower ?? upper)!.value === 'string'
    if (text && ![lower, upper].every((bound) => !bound || sameOrderInSqlite(bound.value as string)))
      return null
    const parts = [lower, upper]
      .filter((bound): bound is Bound => bound !== null)
      .map((bound) => `${v} ${SQL_OPERATOR[bound.op]} ${this.param(params, bound.value)}`)
    // In SQLite every number sorts below every text, and '' is the smallest text: with
    // one side open, a fence keeps the index scan inside one type.
    if (!text) {
      if (!upper) parts.push(`${v} < ''`)
      if (mayBeBoolean(lower, upper)) parts.push(`${t} IN ${NUMBER_TYPES}`)
      return `(${parts.join(' AND ')})`
    }
    if (!lower) parts.push(`${v} >= ''`)
    parts.push(`${t} = 'text'`)
    return `(${parts.join(' AND ')})`
  },
  isArray: (segments) => `json_type(doc, ${jsonPath(segments)}) = 'array'`,
  notNumber: (segments) => `coalesce(json_type(doc, ${jsonPath(segments)}), '') NOT IN ('integer', 'real')`,
  // `_id` holds the id's JSON text: a plain id is `"…"`, its characters between the quotes.
  idOrder: `trim(_id, '"')`,
  // Not a string, an escape inside (JSON escapes `"`, `\` and control characters) or a
  // character past ASCII (its byte length exceeds its length). Three cheap scans: the
  // GLOB patterns this replaced cost a sorted query without index a sixth of its time.
  notPlainId: `(substr(_id, 1, 1) <> '"' OR instr(_id, '\\') > 0 OR length(_id) <> length(CAST(_id AS BLOB)))`,
}

/**
 * The dialect of a collection whose indexes name the `indexed` paths: a top-level field
 * no index names is compared element by element (`elementComparisons`); an indexed one
 * keeps the `json_extract` comparison its index serves.
 */
export function indexedPathsDialect(indexed: ReadonlySet<string>): SqlDialect {
  return {
    ...sqliteDialect,
    elementwise: (segments, ops, params) =>
      segments.length === 1 && !indexed.has(segments[0]) ? elementComparisons(segments, ops, params) : null,
  }
}

/**
 * A top-level field's comparisons (see `elementTests`), each as one `EXISTS` over
 * `json_each`. It reads a scalar as one row and an array as one row per element (an
 * element that is an array stays one row, of type 'array'), and an object's members,
 * whose keys are text, are left out: MongoDB's rule, one level deep, so the test needs
 * no array check per row. A 10,000-document count with an unindexed range: 5.3 ms of CPU
 * before, 3.3 ms after, against 3.2 ms for a bare `json_extract` comparison. Deeper paths
 * are left to the array checks: `json_extract` does not step into arrays as MongoDB does.
 * A string holding U+0000 stays in JavaScript: SQLite's text functions stop at it.
 */
export function elementComparisons(
  segments: string[],
  ops: Record<string, unknown>,
  params: unknown[],
): string | null {
  const tests = elementTests(ops, (value) => !value.includes('\0'))
  if (!tests) return null
  const param = (value: unknown) => sqliteDialect.param(params, value)
  const from = `FROM json_each(doc, ${jsonPath(segments)}) AS e WHERE typeof(e.key) <> 'text'`
  const parts = tests.map((test) => {
    const match =
      test.op === '$in'
        ? equalsAny(test.values, param)
        : `e.type IN ${NUMBER_TYPES} AND e.value ${SQL_OPERATOR[test.op]} ${param(test.value)}`
    return `EXISTS (SELECT 1 ${from} AND ${match})`
  })
  return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`
}

/** The element equals one of `values`, each compared within its own type (1 is not true). */
function equalsAny(values: (number | string | boolean)[], param: (value: unknown) => string): string {
  const of = (type: string) => values.filter((value) => typeof value === type)
  const alternatives: string[] = []
  const numbers = of('number')
  if (numbers.length > 0)
    alternatives.push(`(e.type IN ${NUMBER_TYPES} AND e.value IN (${numbers.map(param).join(', ')}))`)
  const strings = of('string')
  if (strings.length > 0)
    alternatives.push(`(e.type = 'text' AND e.value IN (${strings.map(param).join(', ')}))`)
  for (const flag of of('boolean')) alternatives.push(`e.type = '${flag}'`)
  return `(${alternatives.join(' OR ')})`
}

/** Grouping in SQLite (see sql-group.ts); `json_extract` gives booleans as 1 and 0. */
export const sqliteGroupDialect: GroupDialect = {
  base: sqliteDialect,
  // Each value is read once, as JSON text (`->`): its first character tells its type,
  // and the text is the key itself (json_extract gives true as 1 and loses the type).
  extract: (segments, column) => [`doc -> ${jsonPath(segments)} AS ${column('j')}`],
  key: (column) => [`coalesce(${column('j')}, 'null') AS key`],
  keyColumns: ['key'],
  keyUnsure:
    "json_type(key) IN ('object', 'array', 'real') OR " +
    "(json_type(key) = 'integer' AND abs(CAST(key AS INTEGER)) > 9007199254740992)",
  isArray: (column) => `substr(${column('j')}, 1, 1) = '['`,
  // '1.0' becomes the integer 1, as JavaScript reads it; a fraction stays a real.
  number: (column) =>
    `CASE WHEN substr(${column('j')}, 1, 1) IN ${NUMBER_START} THEN CAST(${column('j')} AS NUMERIC) END`,
  // JSON text not a number casts to 0, which adds nothing: one call, not a test and a cast.
  summand: (column) => `CAST(${column('j')} AS NUMERIC)`,
  // Reals are left to the engine, whole or not: SQLite would add them up in its own order.
  // A sum is real when one of its terms was.
  someNotWhole: (number) => `typeof(sum(${number})) = 'real'`,
  notNumber: (column) =>
    `coalesce(${column('j')}, 'null') <> 'null' AND substr(${column('j')}, 1, 1) NOT IN ${NUMBER_START}`,
  keyOrder: "json_extract(key, '$')",
  keyUnordered:
    "json_type(key) <> 'text' OR length(CAST(json_extract(key, '$') AS BLOB)) <> length(json_extract(key, '$'))",
  decodeKey: (row) => JSON.parse(row.key as string),
  order: 'rowid',
  unwind(segments, table) {
    // json_each walks the array in the document itself. A value not an array is one row
    // (key null): kept unless null; a document gives its members (keys as text), so it is
    // left to the engine.
    return {
      join: ` JOIN json_each(doc, ${jsonPath(segments)}) AS u ON NOT (u.key IS NULL AND u.type = 'null')`,
      order: `${table}.rowid * 4294967296 + coalesce(u.key, 0)`,
      // Past 2^31 rows the order would not fit in 64 bits.
      bad: `${table}.rowid >= 2147483648 OR typeof(u.key) = 'text'`,
    }
  },
  elementIsArray: "u.type = 'array'",
  extractElement(segments, column) {
    // The element as JSON text: json_each gives strings bare and booleans as 1 and 0.
    if (segments.length === 0)
      return [
        "CASE u.type WHEN 'text' THEN json_quote(u.value) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' " +
          `WHEN 'null' THEN 'null' ELSE CAST(u.value AS TEXT) END AS ${column('j')}`,
      ]
    return [`CASE WHEN u.type = 'object' THEN u.value -> ${jsonPath(segments)} END AS ${column('j')}`]
  },
  // A subquery with a LIMIT is not merged into an outer query that groups or has one.
  fenced: (columns, from) => `SELECT ${columns.join(', ')} FROM ${from} LIMIT -1`,
}
