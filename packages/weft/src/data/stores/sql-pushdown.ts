// Translates the part of a MongoDB filter that SQL can answer into a WHERE clause, for
// the SQLite and PostgreSQL stores. The rule: the clause selects a SUPERSET of the
// matching documents, never fewer; the store then applies the exact semantics with
// `compileFilter` on top. Only when the translation is exact (every condition pushed,
// no array at any path it reads) may SQL also do ORDER BY / LIMIT / OFFSET.
//
// MongoDB semantics that make this subtle: `{ tags: 'a' }` matches `tags: ['a', 'b']`,
// `{ 'a.b': 1 }` matches `a: [{ b: 1 }]`, `{ a: null }` matches a missing `a`, and
// `{ a: { $gt: 1 } }` never matches a string. So every pushed condition is typed, and
// in superset mode it is OR-ed with "some step of this path is an array".

import type { Filter, SortSpec } from '../store.js'
import { encodeId } from './json-codec.js'

/** What differs between SQLite and PostgreSQL; values always travel as parameters. */
export interface SqlDialect {
  /** Adds a parameter and returns its placeholder (`?` or `$3`). */
  param(params: unknown[], value: unknown): string
  /** The JSON value at a path, exactly as `createIndex` indexes it. */
  value(segments: string[]): string
  /** Equality with a number, string or boolean, typed (so `1` never equals `true`); null: not here. */
  equals(segments: string[], value: number | string | boolean, params: unknown[]): string | null
  /** Missing or null. */
  isNull(segments: string[]): string
  exists(segments: string[], exists: boolean): string
  /**
   * A typed range with a lower bound, an upper bound or both (bounds of one type); null,
   * with no parameter added, when this dialect cannot compare such bounds like MongoDB.
   */
  range(segments: string[], lower: Bound | null, upper: Bound | null, params: unknown[]): string | null
  /**
   * A condition that compares as MongoDB does even where arrays sit on the path (element
   * by element), so it needs no array check; null, with no parameter added, when this
   * dialect has no such form for these operators. `ops` are one field's operators.
   */
  elementwise?(segments: string[], ops: Record<string, unknown>, params: unknown[]): string | null
  /** True when the value at the path is an array. */
  isArray(segments: string[]): string
  /** True when the value at the path is anything but a number (missing included). */
  notNumber(segments: string[]): string
  /** The `_id` column as a sort key: the id's text, exact for plain ids (see `notPlainId`). */
  idOrder: string
  /**
   * True unless the `_id` is a plain id: a string whose `idOrder` in SQL is JavaScript's
   * order (ASCII without escapes; each dialect says which; generated ids are plain).
   */
  notPlainId: string
}

export type RangeOp = '$gt' | '$gte' | '$lt' | '$lte'

export interface Bound {
  op: RangeOp
  value: number | string
}

export const SQL_OPERATOR: Record<RangeOp, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }

/** What `pushdown` produced. */
export interface Pushdown {
  /** SQL condition, `1=1` when nothing could be pushed. */
  where: string
  params: unknown[]
  /** Every condition was pushed exactly, provided no array sits on `paths`. */
  exact: boolean
  /** Field paths (dotted) whose array-ness the exact form relies on. */
  paths: string[]
  /** Paths the filter pins to numbers, or to a single value, for ORDER BY pushdown. */
  pins: Map<string, 'number' | 'single'>
  /** Paths left in scalar form in superset mode: the store checks them for arrays otherwise. */
  scalarPaths?: ReadonlySet<string>
}

/**
 * `mode: 'superset'` always answers correctly; `mode: 'scalar'` leaves out the array
 * alternatives and is only right once the store has checked that `paths` hold no arrays.
 * Parameters are appended to `params` (numbered after those already there).
 */
export function pushdown(
  filter: Filter,
  dialect: SqlDialect,
  mode: 'superset' | 'scalar',
  params: unknown[] = [],
  scalarPaths?: ReadonlySet<string>,
): Pushdown {
  const state: Pushdown = { where: '', params, exact: true, paths: [], pins: new Map(), scalarPaths }
  state.where = translate(filter, dialect, mode, state, true) ?? '1=1'
  // SQLite refuses expressions nested past 1,000 levels (a chain of ORs nests), and both
  // drivers refuse tens of thousands of parameters: a clause that large is not pushed.
  if (state.params.length > MAX_PUSHED_PARAMS || countJoins(state.where) > MAX_PUSHED_JOINS)
    return { where: '1=1', params: [], exact: false, paths: [], pins: new Map() }
  return state
}

/** Above this many alternatives an `$in` or `$or` is left to JavaScript (see `pushdown`). */
const MAX_PUSHED_ALTERNATIVES = 200
const MAX_PUSHED_JOINS = 600
const MAX_PUSHED_PARAMS = 20_000

/** How many AND/OR a clause holds: a bound on how deep the SQL parser nests it. */
function countJoins(where: string): number {
  let count = 0
  for (let i = where.indexOf(' O'); i !== -1; i = where.indexOf(' O', i + 2))
    if (where.startsWith(' OR ', i)) count++
  for (let i = where.indexOf(' AND '); i !== -1; i = where.indexOf(' AND ', i + 5)) count++
  return count
}

const SAFE_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * `'a.b'` -> `['a', 'b']` when every segment is a plain name safe to write into SQL
 * text (expression indexes only match literal paths); null otherwise.
 */
export function sqlPath(path: string): string[] | null {
  let segments = checkedPaths.get(path)
  if (segments === undefined) {
    const split = path.split('.')
    segments = split.every((segment) => SAFE_SEGMENT.test(segment)) ? split : null
    if (checkedPaths.size >= 1000) checkedPaths.clear()
    checkedPaths.set(path, segments)
  }
  return segments
}

// Paths seen before, checked once: every query names the same few. The arrays are
// shared, so nobody may change them.
const checkedPaths = new Map<string, string[] | null>()

function translate(
  filter: Filter,
  dialect: SqlDialect,
  mode: 'superset' | 'scalar',
  state: Pushdown,
  topLevel: boolean,
): string | null {
  const parts: string[] = []
  for (const key of Object.keys(filter)) {
    const value = filter[key]
    let part: string | null = null
    if (key === '$and' && Array.isArray(value)) {
      part = joinParts(
        value.map((sub) => translate(sub as Filter, dialect, mode, state, topLevel)),
        ' AND ',
      )
    } else if (key === '$or' && Array.isArray(value)) {
      part = translateOr(value as Filter[], dialect, mode, state)
    } else if (key === '$comment') {
      continue
    } else if (key.startsWith('$')) {
      state.exact = false
    } else {
      part = fieldCondition(key, value, dialect, mode, state, topLevel)
    }
    if (part) parts.push(part)
  }
  return joinParts(parts, ' AND ')
}

// An OR is pushed only when every branch pushes something; pins inside a branch say
// nothing about the documents of another branch, so they are dropped. Parameters of a
// dropped OR are taken back.
function translateOr(branches: Filter[], dialect: SqlDialect, mode: 'superset' | 'scalar', state: Pushdown) {
  if (branches.length > MAX_PUSHED_ALTERNATIVES) {
    state.exact = false
    return null
  }
  const paramCount = state.params.length
  const inner: Pushdown = { ...state, pins: new Map() }
  const parts = branches.map((branch) => translate(branch, dialect, mode, inner, false))
  state.exact = inner.exact
  if (parts.some((part) => part === null)) {
    state.params.length = paramCount
    state.exact = false
    return null
  }
  return `(${parts.join(' OR ')})`
}

function joinParts(parts: (string | null)[], glue: string): string | null {
  const present = parts.filter((part): part is string => part !== null && part !== '')
  if (present.length === 0) return null
  return present.length === 1 ? present[0] : `(${present.join(glue)})`
}

function fieldCondition(
  path: string,
  condition: unknown,
  dialect: SqlDialect,
  mode: 'superset' | 'scalar',
  state: Pushdown,
  topLevel: boolean,
): string | null {
  if (path === '_id') return idCondition(condition, dialect, state)
  const segments = sqlPath(path)
  if (!segments) {
    state.exact = false
    return null
  }
  const ops = isOperatorObject(condition) ? condition : { $eq: condition }
  // Exact whatever the path holds: no array check, and no pin (the value may be an array).
  const elementwise = dialect.elementwise?.(segments, ops, state.params)
  if (elementwise) return elementwise
  const parts: string[] = []
  let pin: 'number' | 'single' | undefined
  const pushed = (op: string, arg: unknown, part: string | null) => {
    if (part === null) state.exact = false
    else {
      parts.push(part)
      pin = strongerPin(pin, pinOf(op, arg))
    }
  }
  for (const op of Object.keys(ops)) {
    if (!(op in SQL_OPERATOR)) pushed(op, ops[op], operatorCondition(segments, op, ops[op], dialect, state))
  }
  // Range bounds go to the dialect in same-type pairs, so that `{ $gte: 10, $lt: 15 }`
  // becomes one range the index scans from 10 to 15.
  const bounds = pairBounds(ops)
  if (bounds.skipped) state.exact = false
  for (const [lower, upper] of bounds.pairs) {
    const bound = (lower ?? upper)!
    pushed(bound.op, bound.value, dialect.range(segments, lower, upper, state.params))
  }
  const scalar = joinParts(parts, ' AND ')
  if (!scalar) return null
  if (!state.paths.includes(path)) state.paths.push(path)
  if (topLevel && pin) state.pins.set(path, strongerPin(state.pins.get(path), pin)!)
  if (mode === 'scalar' || state.scalarPaths?.has(path)) return scalar
  return `(${scalar} OR ${arraySteps(segments, dialect).join(' OR ')})`
}

/** One `isArray` test per step of the path: `a`, `a.b`, `a.b.c`. */
export function arraySteps(segments: string[], dialect: SqlDialect): string[] {
  return segments.map((_, i) => dialect.isArray(segments.slice(0, i + 1)))
}

/** One test of an element-wise comparison: equality with any of `values`, or a number bound. */
export type ElementTest =
  | { op: '$in'; values: (number | string | boolean)[] }
  | { op: RangeOp; value: number }

const MAX_ELEMENTWISE_VALUES = 16

/**
 * A field's operators as element-wise tests (for `SqlDialect.elementwise`): `$eq` and `$in`
 * with numbers, booleans and the strings `comparable` accepts, `$gt`, `$gte`, `$lt`,
 * `$lte` with numbers; null when any operator is something else, or past 16 values.
 */
export function elementTests(
  ops: Record<string, unknown>,
  comparable: (value: string) => boolean,
): ElementTest[] | null {
  const equality = (value: unknown): value is number | string | boolean =>
    isPushableScalar(value) && (typeof value !== 'string' || comparable(value))
  const tests: ElementTest[] = []
  let count = 0
  for (const op of Object.keys(ops)) {
    const arg = ops[op]
    if (op === '$in' && Array.isArray(arg) && arg.length > 0 && arg.every(equality))
      tests.push({ op: '$in', values: arg })
    else if (op === '$eq' && equality(arg)) tests.push({ op: '$in', values: [arg] })
    else if (op in SQL_OPERATOR && typeof arg === 'number' && isPushableScalar(arg))
      tests.push({ op: op as RangeOp, value: arg })
    else return null
    count += op === '$in' ? (arg as unknown[]).length : 1
  }
  return tests.length > 0 && count <= MAX_ELEMENTWISE_VALUES ? tests : null
}

/** Number and string bounds, a lower and an upper of one type paired; `skipped`: others (Dates, NaN, ...). */
function pairBounds(ops: Record<string, unknown>): {
  pairs: [Bound | null, Bound | null][]
  skipped: boolean
} {
  const lowers: Bound[] = []
  const uppers: Bound[] = []
  let skipped = false
  for (const op of Object.keys(ops) as RangeOp[]) {
    if (!(op in SQL_OPERATOR)) continue
    const value = ops[op]
    if (!isPushableScalar(value) || typeof value === 'boolean') skipped = true
    else (op.startsWith('$g') ? lowers : uppers).push({ op, value })
  }
  const pairs: [Bound | null, Bound | null][] = []
  for (const lower of lowers) {
    const i = uppers.findIndex((upper) => typeof upper.value === typeof lower.value)
    pairs.push([lower, i >= 0 ? uppers.splice(i, 1)[0] : null])
  }
  for (const upper of uppers) pairs.push([null, upper])
  return { pairs, skipped }
}

function operatorCondition(
  segments: string[],
  op: string,
  arg: unknown,
  dialect: SqlDialect,
  state: Pushdown,
): string | null {
  switch (op) {
    case '$eq':
      return equalsCondition(segments, arg, dialect, state)
    case '$in': {
      if (!Array.isArray(arg) || arg.length === 0 || arg.length > MAX_PUSHED_ALTERNATIVES) return null
      const paramCount = state.params.length
      const parts = arg.map((item) => equalsCondition(segments, item, dialect, state))
      if (!parts.includes(null)) return `(${parts.join(' OR ')})`
      state.params.length = paramCount
      return null
    }
    case '$exists':
      return dialect.exists(segments, Boolean(arg))
    default:
      return null
  }
}

function equalsCondition(segments: string[], value: unknown, dialect: SqlDialect, state: Pushdown) {
  if (value === null) return dialect.isNull(segments)
  if (!isPushableScalar(value)) return null
  return dialect.equals(segments, value, state.params)
}

function isPushableScalar(value: unknown): value is number | string | boolean {
  return (
    (typeof value === 'number' && Number.isFinite(value)) ||
    typeof value === 'string' ||
    typeof value === 'boolean'
  )
}

// `_id` has its own column holding the JSON form of the id; it is never an array.
function idCondition(condition: unknown, dialect: SqlDialect, state: Pushdown): string | null {
  const isId = (value: unknown) => typeof value === 'string' || typeof value === 'number'
  if (isId(condition)) return `_id = ${dialect.param(state.params, encodeId(condition as string))}`
  if (isOperatorObject(condition) && Object.keys(condition).length === 1) {
    const eq = condition.$eq
    if (isId(eq)) return `_id = ${dialect.param(state.params, encodeId(eq as string))}`
    const list = condition.$in
    if (Array.isArray(list) && list.length > 0 && list.every(isId)) {
      return `_id IN (${list.map((id) => dialect.param(state.params, encodeId(id))).join(', ')})`
    }
  }
  state.exact = false
  return null
}

/** An object literal (or one without a prototype): what the pushdown reads as a filter or condition. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** A condition of operators, as the pushdown reads one: a plain object whose keys all start with `$`. */
export function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainRecord(value)) return false
  const keys = Object.keys(value)
  return keys.length > 0 && keys.every((key) => key.startsWith('$'))
}

function pinOf(op: string, arg: unknown): 'number' | 'single' | undefined {
  if (op === '$eq' && arg !== null) return 'single'
  if (op === '$in' && Array.isArray(arg) && arg.every((item) => typeof item === 'number')) return 'number'
  if (op.startsWith('$g') || op.startsWith('$l')) return typeof arg === 'number' ? 'number' : undefined
  return undefined
}

function strongerPin(a: 'number' | 'single' | undefined, b: 'number' | 'single' | undefined) {
  return a === 'single' || b === 'single' ? 'single' : (a ?? b)
}

export interface SortKey {
  segments: string[]
  direction: 1 | -1
  /** The `_id` tie-break of a row-checked plan, ordered by `dialect.idOrder`. */
  id?: true
}

/** How much of a sort SQL can do. */
export interface SqlSort {
  keys: SortKey[]
  /** Paths of `keys` that hold numbers only if the store checks so (the filter does not pin them). */
  numeric: string[]
  /** False when keys after `keys` remain: SQL orders by `keys`, JavaScript finishes the order. */
  complete: boolean
  /** When the one key left is a closing `_id`: its direction (a row check may push it too). */
  idTail?: 1 | -1
}

/**
 * The keys SQL can sort by for `sort` when the filter makes it exact: keys pinned to one
 * value drop out, keys pinned to numbers stay. With a limit, other keys of plain paths
 * stay too on the condition, checked by the store, that every candidate holds a number
 * there (numbers order alike in SQL and MongoDB); a key after that (strings, whose byte
 * order differs from JavaScript's, or `_id`) ends the SQL part, and JavaScript orders the
 * rows that tie on it. Null when SQL cannot sort at all: the store sorts in JavaScript.
 */
export function sqlSortKeys(
  sort: SortSpec | undefined,
  pins: Map<string, 'number' | 'single'>,
  limited: boolean,
): SqlSort | null {
  const order: SqlSort = { keys: [], numeric: [], complete: true }
  const entries = Object.entries(sort ?? {})
  for (const [at, [path, direction]] of entries.entries()) {
    const pin = pins.get(path)
    const segments = sqlPath(path)
    if (pin === 'single') continue
    if (segments && pin === 'number') {
      order.keys.push({ segments, direction: direction === -1 ? -1 : 1 })
      continue
    }
    if (!limited) return null
    if (!segments || path === '_id') {
      if (order.keys.length === 0) return null
      order.complete = false
      if (path === '_id' && at === entries.length - 1) order.idTail = direction === -1 ? -1 : 1
      return order
    }
    order.keys.push({ segments, direction: direction === -1 ? -1 : 1 })
    order.numeric.push(path)
  }
  return order
}

/** Every path (and path step) the exact form needs free of arrays, for the probe query. */
export function probePaths(pushed: Pushdown, order: SqlSort): string[] {
  const paths = new Set(pushed.paths)
  for (const key of order.keys) paths.add(key.segments.join('.'))
  return [...paths]
}
