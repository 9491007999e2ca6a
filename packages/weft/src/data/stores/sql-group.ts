// `$group` in SQL, for the simple groups SQL answers exactly as the shared engine does
// (see ../query/aggregate/stage-group.ts): `_id` a field path or null, and fields
// `$sum` / `$avg` / `$min` / `$max` of a field path, `$sum` of a whole number, `$count`.
// Only whole numbers within ±2^53 are summed, averaged or compared in SQL, so every sum
// is exact in both and the same on every store; each group reports `bad` when a document
// holds what the SQL form cannot answer the same (a fraction, an array on a path, a
// string to compare, a document as key...), and the caller then lets the engine run. A
// `$sort` and `$limit` after the group may go into the statement (see `pageOrder`).

import { isPlainObject } from '../query/index.js'
import type { Filter, GroupStages } from '../store.js'
import { type PlanTarget, planFind } from './sql-find.js'
import { arraySteps, type SqlDialect, sqlPath } from './sql-pushdown.js'

type Doc = Record<string, unknown>

/**
 * What a store adds to its pushdown dialect for grouping. A path's value is read once per
 * row into columns (`extract`); the other parts read those columns, named through `column`.
 */
export interface GroupDialect {
  base: SqlDialect
  /** The columns read for a path, as `expression AS name` with names from `column`. */
  extract(segments: string[], column: (suffix: string) => string): string[]
  /**
   * The value as the columns it is grouped by (`expression AS name`, the names in
   * `keyColumns`), which together keep types apart; missing and null as one.
   */
  key(column: (suffix: string) => string): string[]
  /** The names `key` gives its columns; the last is `key`, the value itself. */
  keyColumns: string[]
  /** Of a group's key columns: true when SQL may group it otherwise than the engine (a document, a fraction...). */
  keyUnsure: string
  /** True when the value is an array. */
  isArray(column: (suffix: string) => string): string
  /** The value as a SQL number when it is a number, else NULL. */
  number(column: (suffix: string) => string): string
  /** `number`, or 0 for what is not a number: enough for a value that is only summed. */
  summand(column: (suffix: string) => string): string
  /**
   * For a statement tried first (`strict`): a value only summed or averaged as a SQL
   * number, the statement stopping with an error for anything but a number or missing.
   * Cheaper than `number`'s type test where the database checks the type anyway.
   */
  strictNumber?(column: (suffix: string) => string): string
  /**
   * Of a group's numbers (an aggregate): true when one is not a whole number, which SQL
   * would add up or compare otherwise.
   */
  someNotWhole(number: string): string
  /** True when the value is neither missing, null nor a number. */
  notNumber(column: (suffix: string) => string): string
  /** A key's string, to order by as JavaScript compares strings when `keyUnordered` is false. */
  keyOrder: string
  /** Of a key: true unless it is a string of ASCII (whose byte order is JavaScript's order). */
  keyUnordered: string
  /** A group's key columns as JavaScript gets them from the driver, to the value the engine would give. */
  decodeKey(row: Doc): unknown
  /** The column giving insertion order (groups come out in the order they first appear). */
  order: string
  /**
   * The elements of an array field, one row each, as `$unwind` gives them (a value not an
   * array is one element, null and missing none): the join after the table, the order of
   * first appearance (the row's, then the element's), and rows SQL cannot order so.
   */
  unwind(segments: string[], table: string): { join: string; order: string; bad: string }
  /** `extract` for a path inside the element (`[]`: the element itself, or one field of it). */
  extractElement(segments: string[], column: (suffix: string) => string): string[]
  /** True when the element is an array (a field of it is then the values inside, to the engine). */
  elementIsArray: string
  /**
   * A SELECT of `columns` from `from` that the planner keeps as a subquery of its own:
   * merged into its outer query, it would read each value anew at every use.
   */
  fenced(columns: string[], from: string): string
}

/** A field of the group; one that reads a path reads it as `num${number}` (see `numbers`). */
type Accumulator =
  | { field: string; op: '$sum' | '$avg' | '$min' | '$max'; path: string[]; number: number }
  | { field: string; op: 'count'; times: number }

export interface SimpleGroup {
  key: string[] | null
  fields: Accumulator[]
  /** The distinct paths the fields read, each read once: a field's `number` is its path's index here. */
  numbers: string[][]
}

const LIMIT = 2 ** 53

/** The group when it is one SQL can answer, else null. */
export function simpleGroup(spec: unknown): SimpleGroup | null {
  if (!isPlainObject(spec)) return null
  const key = spec._id === null ? null : fieldPath(spec._id)
  if (key === undefined) return null
  const fields: Accumulator[] = []
  const numbers: string[][] = []
  const numberOf = new Map<string, number>()
  for (const field of Object.keys(spec)) {
    if (field === '_id') continue
    const entry = spec[field]
    if (!isPlainObject(entry) || Object.keys(entry).length !== 1) return null
    const [op] = Object.keys(entry)
    const operand = entry[op]
    if (op === '$count' && isPlainObject(operand) && Object.keys(operand).length === 0)
      fields.push({ field, op: 'count', times: 1 })
    else if (op === '$sum' && Number.isSafeInteger(operand))
      fields.push({ field, op: 'count', times: operand as number })
    else if (op === '$sum' || op === '$avg' || op === '$min' || op === '$max') {
      const path = fieldPath(operand)
      if (!path) return null
      const name = path.join('.')
      if (!numberOf.has(name)) numberOf.set(name, numbers.push(path) - 1)
      fields.push({ field, op, path, number: numberOf.get(name)! })
    } else return null
  }
  return { key, fields, numbers }
}

// '$a.b' -> ['a', 'b']; undefined for anything else ('$$ROOT', expressions, constants).
function fieldPath(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || !value.startsWith('$') || value.startsWith('$$')) return undefined
  return sqlPath(value.slice(1)) ?? undefined
}

/** A statement and its parameters. */
export interface Statement {
  sql: string
  params: unknown[]
}

/**
 * The statement answering `group` over the documents `filter` matches, with its
 * parameters; null when the filter is not one SQL answers exactly. Conditions on paths
 * with an array index stay plain, so their index serves the read, and their array check
 * rides along; then no group back may mean an array: `whenEmpty` (SELECT … AS found) tells.
 * `strict` reads summed values with the dialect's `strictNumber`: the caller runs the
 * statement again without it when it stops with an error.
 */
export function groupStatement(
  filter: Filter,
  group: SimpleGroup,
  dialect: GroupDialect,
  target: PlanTarget,
  stages: GroupStages = {},
  strict = false,
): (Statement & { whenEmpty: Statement | null }) | null {
  const plan = planFind(filter, {}, dialect.base, target)
  if (plan.kind !== 'exact') return null
  const source = stages.unwind
    ? unwoundSource(group, dialect, stages.unwind, target.table)
    : plainSource(dialect)
  if (!source) return null
  const params: unknown[] = plan.rowCheck ? [] : [...plan.params]
  let where = plan.rowCheck ? plan.rowCheck.candidates(params) : plan.where
  let whenEmpty: Statement | null = null
  if (plan.rowCheck?.table) whenEmpty = { sql: `SELECT ${plan.rowCheck.table} AS found`, params: [] }
  if (plan.arrayCheck) {
    where = `(${where}) AND NOT (${plan.arrayCheck(params)})`
    const checkParams: unknown[] = []
    whenEmpty = { sql: `SELECT ${plan.arrayCheck(checkParams)} AS found`, params: checkParams }
  }
  // The page is a hint: one SQL cannot order like the engine is left to the engine.
  const paged = (stages.sort || stages.limit !== undefined) && pageOrder(group, stages, dialect)
  const from = `${target.table}${source.join} WHERE ${where}`
  const query = groupQuery(
    group,
    dialect,
    source,
    from,
    plan.rowCheck?.bad ?? null,
    paged ? paged.byKey : false,
    strict,
  )
  const limit = paged && Number.isSafeInteger(stages.limit) ? ` LIMIT ${stages.limit}` : ''
  // A page answers for the groups outside it too: one SQL cannot answer comes first.
  return {
    sql: `${query} ORDER BY ${paged ? `bad DESC, ${paged.order}` : 'min(o)'}${limit}`,
    params,
    whenEmpty,
  }
}

/**
 * Where the group's rows come from and how each path is read: the documents, or (after
 * `$unwind`) their elements, a path under the unwound field read from the element.
 */
interface Source {
  join: string
  order: string
  /** Tests marking a row SQL cannot answer. */
  bad: string[]
  /** The columns reading `path` (see `GroupDialect.extract`); its array steps to test on the document. */
  read(path: string[], column: (suffix: string) => string): { columns: string[]; arraySteps: string[] }
}

function plainSource(dialect: GroupDialect): Source {
  return {
    join: '',
    order: dialect.order,
    bad: [],
    read: (path, column) => ({
      columns: dialect.extract(path, column),
      arraySteps: arraySteps(path, dialect.base).slice(0, -1),
    }),
  }
}

/**
 * Null when the unwound path is not one SQL may name (it goes into the SQL text), or a
 * path reaches deeper than one field into the element: left to the engine.
 */
function unwoundSource(
  group: SimpleGroup,
  dialect: GroupDialect,
  unwound: string[],
  table: string,
): Source | null {
  const field = sqlPath(unwound.join('.'))
  if (!field) return null
  const inside = (path: string[]) => field.every((segment, i) => path[i] === segment)
  if (groupPaths(group).some((path) => inside(path) && path.length > field.length + 1)) return null
  const unwind = dialect.unwind(field, table)
  const plain = plainSource(dialect)
  // The steps before the unwound field: an array there is more than one field to unwind.
  const before = arraySteps(field, dialect.base).slice(0, -1)
  return {
    ...unwind,
    bad: [unwind.bad, ...before],
    read: (path, column) =>
      inside(path)
        ? {
            columns: dialect.extractElement(path.slice(field.length), column),
            arraySteps: path.length > field.length ? [dialect.elementIsArray] : [],
          }
        : plain.read(path, column),
  }
}

/**
 * The ORDER BY of a `$sort` on the group's results, ties in order of first appearance as
 * the engine's stable sort leaves them; null unless every key is a `$sum`, `$count`,
 * `$min` or `$max` SQL computes (whole numbers, or null, which sorts first as in BSON) or
 * `_id` (`byKey`: then every key must be a string SQL orders as JavaScript does).
 */
function pageOrder(
  group: SimpleGroup,
  page: GroupStages,
  dialect: GroupDialect,
): { order: string; byKey: boolean } | null {
  const keys: string[] = []
  let byKey = false
  for (const [name, direction] of Object.entries(page.sort ?? {})) {
    const field = group.fields.find((candidate) => candidate.field === name)
    let value: string
    if (name === '_id' && group.key) {
      byKey = true
      value = dialect.keyOrder
    } else if (!field || field.op === '$avg') return null
    else if (field.op === 'count') value = `count(*) * ${field.times}`
    else if (field.op === '$sum') value = `coalesce(sum(num${field.number}), 0)`
    else value = `${field.op === '$min' ? 'min' : 'max'}(num${field.number})`
    keys.push(`${value} ${direction === -1 ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`)
  }
  return { order: [...keys, 'min(o)'].join(', '), byKey }
}

/** The key's path, then the fields' (`numbers`). */
function groupPaths(group: SimpleGroup): string[][] {
  return [...(group.key ? [group.key] : []), ...group.numbers]
}

/**
 * The SELECT over `from` (a table and WHERE clause) with `bad` (the rows' own flag, OR-ed
 * with the group's checks): one row per group, for the caller's ORDER BY (`o`: first appearance). Each path is
 * read once per row (`e`), turned into a key or a number once (`c`), then grouped; written
 * inline, every use read the document again, a dozen JSON calls per path and row. Checks
 * that SQL answers as the engine does are aggregates too, so a key is checked once per
 * group, not once per row.
 */
function groupQuery(
  group: SimpleGroup,
  dialect: GroupDialect,
  source: Source,
  from: string,
  rowBad: string | null,
  byKey: boolean,
  strict: boolean,
): string {
  const { numbers } = group
  const paths = groupPaths(group)
  const first = group.key ? 1 : 0
  const named = (i: number) => (suffix: string) => `p${i}${suffix}`
  // $sum and $avg skip what is not a number, as SQL does; $min and $max would compare it.
  const compared = new Set(
    group.fields.flatMap((field) => (field.op === '$min' || field.op === '$max' ? [field.number] : [])),
  )
  const averaged = new Set(group.fields.flatMap((field) => (field.op === '$avg' ? [field.number] : [])))
  // An array on a path: the engine sees the values inside it, SQL does not. A key that is
  // an array is one value to both, and is checked with the group's key. The last step is
  // tested on the value read, the steps before it on the document. A path only summed or
  // averaged needs neither: to the engine it is then an array, which they skip, and to SQL
  // no value.
  const reads = paths.map((path, i) => source.read(path, named(i)))
  const checked = (i: number) => i < first || compared.has(i - first)
  const tests = [
    ...(rowBad ? [`(${rowBad})`] : []),
    ...source.bad,
    ...new Set(reads.flatMap((read, i) => (checked(i) ? read.arraySteps : []))),
  ]
  const columnsRead = reads.flatMap((read) => read.columns)
  // `rb` flags a row the engine must answer; left out when nothing can flag one, which
  // spares every row an aggregate.
  const rowColumns = [`${source.order} AS o`]
  if (tests.length > 0) rowColumns.push(`CASE WHEN ${tests.join(' OR ')} THEN 1 ELSE 0 END AS rb`)
  const values = [
    ...(group.key ? dialect.key(named(0)) : []),
    ...numbers.flatMap((_, j) => {
      const column = named(first + j)
      const summed = !compared.has(j) && !averaged.has(j)
      const read =
        strict && dialect.strictNumber && !compared.has(j)
          ? dialect.strictNumber(column)
          : summed
            ? dialect.summand(column)
            : dialect.number(column)
      const number = `${read} AS num${j}`
      return compared.has(j) ? [number, `${dialect.notNumber(column)} AS x${j}`] : [number]
    }),
  ]
  const arrays = [...compared].map((j) => dialect.isArray(named(first + j)))
  const rb =
    arrays.length > 0
      ? [
          `CASE WHEN ${[...(tests.length > 0 ? ['rb = 1'] : []), ...arrays].join(' OR ')} THEN 1 ELSE 0 END AS rb`,
        ]
      : tests.length > 0
        ? ['rb']
        : []
  const inlined = arrays.length === 0 ? readOnce(columnsRead, values) : null
  const converted = inlined
    ? `(${dialect.fenced([...rowColumns, ...inlined], from)}) AS c`
    : `(${dialect.fenced(['o', ...rb, ...values], `(${dialect.fenced([...rowColumns, ...columnsRead], from)}) AS e`)}) AS c`

  const columns = group.key ? [...dialect.keyColumns] : []
  // Past 2^53 SQL compares exactly, the engine in floating point.
  const flagged = [
    ...(rb.length > 0 ? ['rb = 1'] : []),
    ...[...compared].map((j) => `x${j} OR abs(num${j}) > ${LIMIT}`),
  ]
  const checks: string[] = []
  if (flagged.length === 1 && rb.length > 0) checks.push('max(rb) = 1')
  else if (flagged.length > 0) checks.push(`max(CASE WHEN ${flagged.join(' OR ')} THEN 1 ELSE 0 END) = 1`)
  for (const j of numbers.keys()) checks.push(dialect.someNotWhole(`num${j}`))
  const bounded = new Set<number>()
  group.fields.forEach((field, f) => {
    if (field.op === 'count') {
      // The engine adds `times` once per document.
      if (field.times !== 0) checks.push(`count(*) > ${Math.floor(LIMIT / Math.abs(field.times))}`)
      return
    }
    const j = field.number
    if (field.op === '$min' || field.op === '$max') {
      columns.push(`${field.op === '$min' ? 'min' : 'max'}(num${j}) AS m${f}`)
      return
    }
    columns.push(`sum(num${j}) AS s${f}`)
    if (field.op === '$avg') columns.push(`count(num${j}) AS n${f}`)
    // Every partial sum within ±2^53 is exact in floating point too, whatever the order:
    // bounded by the count times the largest magnitude (cheaper than a sum of abs(), and
    // one aggregate where max() and min() took two).
    if (!bounded.has(j)) checks.push(`max(abs(num${j})) * count(*) > ${LIMIT}`)
    bounded.add(j)
  })
  if (group.key) checks.push(dialect.keyUnsure)
  if (group.key && byKey) checks.push(dialect.keyUnordered)
  columns.push(
    'count(*) AS total',
    `${checks.length > 0 ? `CASE WHEN ${checks.join(' OR ')} THEN 1 ELSE 0 END` : '0'} AS bad`,
  )
  // Without GROUP BY an aggregate gives a row even of no rows; the engine gives no group.
  const grouping = group.key ? ` GROUP BY ${dialect.keyColumns.join(', ')}` : ' HAVING count(*) > 0'
  return `SELECT ${columns.join(', ')} FROM ${converted}${grouping}`
}

/**
 * `values` with each column of `columns` (`expression AS name`) written in place of its
 * name, when each is used exactly once: then one subquery level reads and converts the
 * row (SQLite's `$unwind` group ran 5% faster without the second), where a value used
 * twice would be read twice. Null otherwise.
 */
function readOnce(columns: string[], values: string[]): string[] | null {
  let inlined = values
  for (const column of columns) {
    const at = column.lastIndexOf(' AS ')
    const name = new RegExp(`\\b${column.slice(at + 4)}\\b`, 'g')
    if (inlined.join(' ').match(name)?.length !== 1) return null
    // A function, not a string: a JSON path's `$'` would be a replacement pattern.
    const expression = `(${column.slice(0, at)})`
    inlined = inlined.map((value) => value.replace(name, () => expression))
  }
  return inlined
}

/** The groups as the engine gives them, or null when a row is bad or a sum may be inexact. */
export function groupResults(group: SimpleGroup, dialect: GroupDialect, rows: Doc[]): Doc[] | null {
  const out: Doc[] = []
  for (const row of rows) {
    if (Number(row.bad)) return null
    const doc: Doc = { _id: group.key ? dialect.decodeKey(row) : null }
    const total = Number(row.total)
    for (const [i, field] of group.fields.entries()) {
      if (field.op === 'count') doc[field.field] = field.times * total
      else if (field.op === '$min' || field.op === '$max')
        doc[field.field] = row[`m${i}`] === null ? null : Number(row[`m${i}`])
      else {
        const sum = Number(row[`s${i}`] ?? 0)
        const count = field.op === '$avg' ? Number(row[`n${i}`]) : 0
        doc[field.field] = field.op === '$sum' ? sum : count === 0 ? null : sum / count
      }
    }
    out.push(doc)
  }
  return out
}
