// How the SQL stores answer a find: either SQL does it all (filter, order, skip, limit)
// because the pushdown is exact, or SQL narrows to a superset in insertion order and the
// shared query engine does the rest in JavaScript. Both give the memory store's answer.

import { compileFilter, compileProjection, compileSort, isPlainObject } from '../query/index.js'
import type { Filter, FindOptions, SortSpec, StoredDocument } from '../store.js'
import { encodeId } from './json-codec.js'
import {
  arraySteps,
  probePaths,
  pushdown,
  type SortKey,
  type SqlDialect,
  type SqlSort,
  sqlPath,
  sqlSortKeys,
} from './sql-pushdown.js'

export interface ExactPlan {
  kind: 'exact'
  where: string
  params: unknown[]
  sortKeys: SortKey[]
  /**
   * Null when `sortKeys` is the whole order. Else the whole sort: SQL orders by
   * `sortKeys` only, and the store finishes with `finishPartialSort`.
   */
  partialSort: SortSpec | null
  limit: number | null
  offset: number
  /**
   * Adds its parameters to `params` and returns a SQL condition, true when a row that
   * could match holds an array on a path the plan relies on (the plan is then not exact);
   * null when the plan relies on no path.
   */
  arrayCheck: ((params: unknown[]) => string) | null
  /**
   * Set instead of `arrayCheck` when every candidate is read anyway: one statement reads
   * the rows the filter's superset selects (`candidates`, parameters added to `params`)
   * with `bad`, a test true for a row the plan is not exact for (an array, or a
   * non-number sort key); `rowCheckedQuery` says how a bad row shows. If a row read is
   * bad, the store answers in JavaScript; else no candidate is (the superset then selects
   * exactly the matches), and the rows are the answer.
   */
  rowCheck: {
    bad: string
    candidates: (params: unknown[]) => string
    /**
     * With `tableChecks`: the test, over the whole table, for an array at the steps that
     * have an array index, or an id SQL cannot order (`unorderedIds`); `candidates`
     * then ends with NOT this test, so such a row anywhere leaves no row at all: the store
     * asks this test when no row comes back.
     */
    table: string | null
  } | null
}

export interface SupersetPlan {
  kind: 'superset'
  where: string
  params: unknown[]
}

/** Where the plan runs: the table, and the path steps (`a`, `a.b`) that have an array index. */
export interface PlanTarget {
  table: string
  arrayIndexed: ReadonlySet<string>
  /** The store handles `rowCheck.table` (see there): paths whose every step has an array index are checked through those indexes. */
  tableChecks?: boolean
  /**
   * A test an index serves for the rows whose `_id` SQL cannot order as the engine does
   * (`notPlainId`): with `tableChecks`, a sort ending with `_id` asks it over the table
   * instead of testing each candidate's id.
   */
  unorderedIds?: string
}

/**
 * The exact plan when SQL can answer on its own (the caller first checks `arrayCheck`
 * and falls back to `supersetPlan` if it is true), else the superset plan.
 */
export function planFind(
  filter: Filter,
  options: FindOptions,
  dialect: SqlDialect,
  target: PlanTarget,
): ExactPlan | SupersetPlan {
  const scalar = pushdown(filter, dialect, 'scalar')
  const order = scalar.exact ? sqlSortKeys(options.sort, scalar.pins, Boolean(options.limit)) : null
  if (order === null) return supersetPlan(filter, dialect)
  return {
    kind: 'exact',
    where: scalar.where,
    params: scalar.params,
    sortKeys: order.keys,
    partialSort: order.complete ? null : options.sort!,
    limit: options.limit ? options.limit : null,
    offset: options.skip ?? 0,
    ...checks(filter, probePaths(scalar, order), order, Boolean(options.limit), dialect, target),
  }
}

/**
 * How the plan checks its assumptions. Row by row (`rowCheck`) when every candidate must
 * be read anyway — a sort key not pinned by the filter, or no limit — and some path has
 * no array index; else `arrayCheck` (a lookup in the array indexes, or a scan of the
 * candidates that stops at the first array, beside a query that may stop early). A row
 * check also takes a closing `_id` into SQL's order (checking each id is plain), so the
 * rows tying on the other keys need no second read.
 */
function checks(
  filter: Filter,
  paths: string[],
  order: SqlSort,
  limited: boolean,
  dialect: SqlDialect,
  target: PlanTarget,
): Pick<ExactPlan, 'arrayCheck' | 'rowCheck'> & Partial<Pick<ExactPlan, 'sortKeys' | 'partialSort'>> {
  const { numeric } = order
  const unindexed = paths.some((path) =>
    sqlPath(path)!.some((_, i, segments) => !target.arrayIndexed.has(segments.slice(0, i + 1).join('.'))),
  )
  if (numeric.length === 0 && (limited || !unindexed)) {
    return { arrayCheck: arrayCheck(filter, paths, dialect, target), rowCheck: null }
  }
  // A path whose every step has an array index is checked once over the table (a lookup
  // in those indexes): its condition stays scalar and may use its index.
  const isIndexed = (path: string) =>
    sqlPath(path)!.every((_, i, segments) => target.arrayIndexed.has(segments.slice(0, i + 1).join('.')))
  const tableChecked = new Set(
    target.tableChecks ? paths.filter((path) => !numeric.includes(path) && isIndexed(path)) : [],
  )
  const tests = new Set<string>()
  const tableTests = new Set<string>()
  for (const path of paths) {
    // A number is no array: a numeric key's last step needs no test of its own.
    const steps = arraySteps(sqlPath(path)!, dialect)
    if (numeric.includes(path)) for (const test of steps.slice(0, -1)) tests.add(test)
    else for (const test of steps) (tableChecked.has(path) ? tableTests : tests).add(test)
  }
  for (const path of numeric) tests.add(dialect.notNumber(sqlPath(path)!))
  const idTail = limited ? order.idTail : undefined
  if (idTail && target.tableChecks && target.unorderedIds) tableTests.add(target.unorderedIds)
  else if (idTail) tests.add(dialect.notPlainId)
  const bad = [...tests].join(' OR ')
  const table =
    tableTests.size === 0
      ? null
      : `EXISTS (SELECT 1 FROM ${target.table} WHERE ${[...tableTests].join(' OR ')})`
  const rowCheck = {
    bad,
    candidates: (params: unknown[]) => {
      const where = pushdown(filter, dialect, 'superset', params, tableChecked).where
      return table === null ? where : `(${where}) AND NOT (${table})`
    },
    table,
  }
  if (!idTail) return { arrayCheck: null, rowCheck }
  const idKey: SortKey = { segments: ['_id'], direction: idTail, id: true }
  return { arrayCheck: null, rowCheck, sortKeys: [...order.keys, idKey], partialSort: null }
}

/** `count(*)` of the candidates as `n`, and whether any is bad, for a plan with `rowCheck`. */
export function rowCheckedCount(plan: ExactPlan, table: string, params: unknown[]): string {
  const check = plan.rowCheck!
  return `SELECT count(*) AS n, max(${flag(check.bad)}) AS bad FROM ${table} WHERE ${check.candidates(params)}`
}

/**
 * The statement for a plan with `rowCheck`: the store's `columns`, its `body` column, the
 * key columns, candidates in SQL's sort keys and insertion order. Without a limit every
 * candidate comes back and a bad one comes without its body (NULL); with one, `bad` is a
 * column and the first sort key, so a bad row comes first and SQL keeps only the top
 * `skip + limit` rows as it scans (a window function over every candidate made the
 * database sort them all). For a partial sort the store then reads the rows tying with
 * the last one (`partialBoundary`). `hasBadRow` tells whether a row came back bad.
 */
export function rowCheckedQuery(
  plan: ExactPlan,
  dialect: SqlDialect,
  table: string,
  insertionOrder: string,
  columns: string,
  body: string,
  params: unknown[],
): string {
  const check = plan.rowCheck!
  const where = check.candidates(params)
  const keys = plan.sortKeys.map(
    (key) => `${keyValue(key, dialect)} ${key.direction === -1 ? 'DESC' : 'ASC'}`,
  )
  const read = (last: string) =>
    `SELECT ${[columns, last].filter(Boolean).join(', ')}${keyColumns(plan, dialect)}`
  if (plan.limit === null) {
    const order = [...keys, `${insertionOrder} ASC`].join(', ')
    // No OFFSET: every candidate must be read to be checked; the store skips. The check
    // rides in the body column: a column of its own cost a 500-row find 6%.
    const checked = `CASE WHEN ${check.bad} THEN NULL ELSE ${body} END AS ${body}`
    return `${read(checked)} FROM ${table} WHERE ${where} ORDER BY ${order}`
  }
  const bad = flag(check.bad)
  const order = [`${bad} DESC`, ...keys, `${insertionOrder} ASC`].join(', ')
  return `${read(`${body}, ${bad} AS bad`)} FROM ${table} WHERE ${where} ORDER BY ${order} LIMIT ${plan.offset + plan.limit}`
}

/** Did a row of `rowCheckedQuery` come back bad? */
export function hasBadRow(rows: Record<string, unknown>[], body: string): boolean {
  return rows.some((row) => row.bad === 1 || row[body] === null)
}

function flag(test: string): string {
  return `CASE WHEN ${test} THEN 1 ELSE 0 END`
}

/**
 * Is there an array where the exact plan assumes none? A step with an array index is
 * asked of the whole table (the partial index holds only such rows, so that is a lookup).
 * The other steps are asked only of the rows the filter's superset selects — every row
 * that could match, or that the scalar form could wrongly match, is among them — so the
 * check costs what the query costs, not what the table holds.
 */
function arrayCheck(
  filter: Filter,
  paths: string[],
  dialect: SqlDialect,
  target: PlanTarget,
): ((params: unknown[]) => string) | null {
  const indexed: string[] = []
  const others: string[] = []
  const seen = new Set<string>()
  for (const path of paths) {
    const segments = sqlPath(path)!
    const tests = arraySteps(segments, dialect)
    tests.forEach((test, i) => {
      const step = segments.slice(0, i + 1).join('.')
      if (seen.has(step)) return
      seen.add(step)
      ;(target.arrayIndexed.has(step) ? indexed : others).push(test)
    })
  }
  if (indexed.length === 0 && others.length === 0) return null
  return (params) => {
    const parts: string[] = []
    if (indexed.length > 0) parts.push(`EXISTS (SELECT 1 FROM ${target.table} WHERE ${indexed.join(' OR ')})`)
    if (others.length > 0) {
      const candidates = pushdown(filter, dialect, 'superset', params).where
      parts.push(`EXISTS (SELECT 1 FROM ${target.table} WHERE (${candidates}) AND (${others.join(' OR ')}))`)
    }
    return parts.join(' OR ')
  }
}

export function supersetPlan(filter: Filter, dialect: SqlDialect): SupersetPlan {
  const pushed = pushdown(filter, dialect, 'superset')
  return { kind: 'superset', where: pushed.where, params: pushed.params }
}

/**
 * The `_id` column value a filter pins on its own (`{ _id: 'a' }` or `{ _id: { $eq: 'a' } }`),
 * else null: such a filter matches that row or nothing, so an update reads it by primary
 * key without planning.
 */
export function pinnedId(filter: Filter): string | null {
  let only: unknown
  let count = 0
  for (const key in filter) {
    if (key !== '_id' || ++count > 1) return null
    only = filter[key]
  }
  if (isPlainObject(only)) {
    const keys = Object.keys(only)
    only = keys.length === 1 && keys[0] === '$eq' ? only.$eq : undefined
  }
  return typeof only === 'string' || typeof only === 'number' ? encodeId(only) : null
}

/** ORDER BY, LIMIT and OFFSET for an exact plan. */
export interface ExactQuery {
  orderBy: string
  limit: number | null
  offset: number
  /** The rows come with ties in reverse insertion order: pass them through `orderTies`. */
  reversedTies: boolean
}

/**
 * Ties keep insertion order, as the memory store's stable sort does. An index holds equal
 * keys in insertion order, so a sort in the index's direction (`indexDirection` of the
 * first sort key: 1 unless an index says -1) is a plain index scan. A sort against it
 * asks SQL for reversed ties (a plain backward scan, no sort step) and `orderTies` puts
 * them right; asking for `key DESC, rowid ASC` there would make SQL sort every row of the
 * last group of equal keys, for each query.
 */
export function exactQuery(
  plan: ExactPlan,
  dialect: SqlDialect,
  insertionOrder: string,
  indexDirection: 1 | -1 = 1,
): ExactQuery {
  const first = plan.sortKeys[0]
  const reversedTies = first !== undefined && first.direction !== indexDirection
  const terms = plan.sortKeys.map(
    (key) => `${dialect.value(key.segments)} ${key.direction === -1 ? 'DESC' : 'ASC'}`,
  )
  terms.push(`${insertionOrder} ${reversedTies ? 'DESC' : 'ASC'}`)
  const orderBy = terms.join(', ')
  if (!reversedTies) return { orderBy, limit: plan.limit, offset: plan.offset, reversedTies }
  return { orderBy, limit: plan.limit === null ? null : plan.offset + plan.limit, offset: 0, reversedTies }
}

/**
 * The direction an index scan gives the first sort key of `plan`, from the directions of
 * the indexes that lead with each path (`directions`); 1 without an index.
 */
export function indexDirection(plan: ExactPlan, directions: Map<string, Set<1 | -1>>): 1 | -1 {
  const first = plan.sortKeys[0]
  const found = first && directions.get(first.segments.join('.'))
  if (!first || !found) return 1
  return found.has(first.direction) ? first.direction : first.direction === 1 ? -1 : 1
}

/** Adds the leading path and direction of one index definition (SQL text) found by `pattern`. */
export function addIndexDirection(
  directions: Map<string, Set<1 | -1>>,
  match: RegExpExecArray | null,
  separator: string,
) {
  if (!match) return
  const path = match[1].split(separator).join('.')
  const set = directions.get(path) ?? new Set<1 | -1>()
  set.add(match[2] ? -1 : 1)
  directions.set(path, set)
}

/** A row of an exact query: insertion order, the sort key values, and the document still as JSON text. */
export interface OrderedRow {
  order: number
  keys: number[]
}

/** SQL for the sort key columns (`k0`, `k1`...) an exact query selects beside each row. */
export function keyColumns(plan: ExactPlan, dialect: SqlDialect): string {
  return plan.sortKeys.map((key, i) => `, ${keyValue(key, dialect)} AS k${i}`).join('')
}

function keyValue(key: SortKey, dialect: SqlDialect): string {
  return key.id ? dialect.idOrder : dialect.value(key.segments)
}

/** The sort key values of a result row with `keyColumns`. */
export function rowKeys(row: Record<string, unknown>, plan: ExactPlan): number[] {
  return plan.sortKeys.map((_, i) => row[`k${i}`] as number)
}

/**
 * When the rows fill the window, the last group of equal keys may hold the wrong members
 * of that group (the latest instead of the earliest): the store must fetch the earliest
 * `count` rows with these key `values`, in insertion order, for `orderTies`.
 */
export function tieBoundary(rows: OrderedRow[], window: number | null) {
  if (window === null || rows.length < window || rows.length === 0) return null
  const values = rows[rows.length - 1].keys
  const count = rows.filter((row) => sameKey(row.keys, values)).length
  return { values, count }
}

/**
 * Puts ties back in insertion order (with the boundary group refetched) and, unless SQL
 * already did (`query.reversedTies` false), applies skip/limit. Documents are decoded
 * by the caller afterwards, so rows dropped here are never parsed.
 */
export function orderTies<R extends OrderedRow>(
  rows: R[],
  plan: ExactPlan,
  query: ExactQuery,
  boundary: { values: number[]; rows: R[] } | null,
): R[] {
  if (boundary) rows = rows.filter((row) => !sameKey(row.keys, boundary.values)).concat(boundary.rows)
  rows.sort((a, b) => {
    for (let i = 0; i < a.keys.length; i++) {
      if (a.keys[i] !== b.keys[i]) return (a.keys[i] < b.keys[i] ? -1 : 1) * plan.sortKeys[i].direction
    }
    return a.order - b.order
  })
  if (!query.reversedTies) return rows
  return rows.slice(plan.offset, plan.limit === null ? undefined : plan.offset + plan.limit)
}

function sameKey(a: number[], b: number[]): boolean {
  return a.every((value, i) => value === b[i])
}

/**
 * ORDER BY and the row count for an exact plan with a partial sort: SQL orders by the
 * keys it can (then insertion order) and reads `skip + limit` rows; `finishPartialSort`
 * does the rest.
 */
export function partialQuery(plan: ExactPlan, dialect: SqlDialect, insertionOrder: string) {
  const terms = plan.sortKeys.map(
    (key) => `${dialect.value(key.segments)} ${key.direction === -1 ? 'DESC' : 'ASC'}`,
  )
  return { orderBy: [...terms, `${insertionOrder} ASC`].join(', '), window: plan.offset + plan.limit! }
}

/**
 * For a partial sort: when the first `window` rows in SQL's order fill the window, the
 * rows tying with the last one on SQL's keys compete for the last places by the keys SQL
 * left out. Returns those key values (the store then reads every row having them, and
 * passes them to `finishPartialSort`), or null.
 */
export function partialBoundary(rows: OrderedRow[], plan: ExactPlan): number[] | null {
  return rows.length > 0 && rows.length >= plan.offset + plan.limit! ? rows[rows.length - 1].keys : null
}

/** The whole sort (ties in insertion order), skip and limit, over SQL's rows and the boundary group. */
export function finishPartialSort<R extends OrderedRow>(
  rows: R[],
  plan: ExactPlan,
  docOf: (row: R) => StoredDocument,
  boundary: { values: number[]; rows: R[] } | null,
): R[] {
  if (boundary) rows = rows.filter((row) => !sameKey(row.keys, boundary.values)).concat(boundary.rows)
  rows.sort((a, b) => a.order - b.order)
  const compare = compileSort(plan.partialSort!)
  rows.sort((a, b) => compare(docOf(a), docOf(b)))
  return rows.slice(plan.offset, plan.offset + plan.limit!)
}

/** The JavaScript half of a superset plan: exact filter, sort, skip, limit, projection. */
export function finishInMemory(
  docs: StoredDocument[],
  filter: Filter,
  options: FindOptions,
): StoredDocument[] {
  return project(
    selectInMemory(docs, (doc) => doc, filter, options),
    options,
  )
}

/** Filter, sort, skip and limit over anything that carries a document (rows, say). */
export function selectInMemory<T>(
  items: T[],
  docOf: (item: T) => StoredDocument,
  filter: Filter,
  options: FindOptions,
): T[] {
  const matches = compileFilter(filter)
  let result = items.filter((item) => matches(docOf(item)))
  if (options.sort && Object.keys(options.sort).length > 0) {
    const compare = compileSort(options.sort)
    result.sort((a, b) => compare(docOf(a), docOf(b)))
  }
  const start = options.skip ?? 0
  const end = options.limit ? start + options.limit : undefined
  if (start > 0 || end !== undefined) result = result.slice(start, end)
  return result
}

/** Applies the projection, if any. */
export function project(docs: StoredDocument[], options: FindOptions): StoredDocument[] {
  if (!options.projection) return docs
  const shape = compileProjection(options.projection)
  return docs.map((doc) => shape(doc) as StoredDocument)
}
