// `$group` in SQL, for the simple groups SQL answers exactly as the shared engine does
// (see ../query/aggregate/stage-group.ts): `_id` a field path or null, and fields
// `$sum` / `$avg` / `$min` / `$max` of a field path, `$sum` of a whole number, `$count`.
// Only whole numbers within ±2^53 are summed, averaged or compared in SQL, so every sum
// is exact in both and the same on every store; each row reports `bad` when a document
// holds what the SQL form cannot answer the same (a fraction, an array on a path, a
// string to compare, a document as key...), and the caller then lets the engine run.

import { isPlainObject } from '../query/index.js'
import type { Filter } from '../store.js'
import { planFind } from './sql-find.js'
import { arraySteps, type SqlDialect, sqlPath } from './sql-pushdown.js'

type Doc = Record<string, unknown>

/** What a store adds to its pushdown dialect for grouping. */
export interface GroupDialect {
  base: SqlDialect
  /** 'null' (missing too), 'int' (a whole number within ±2^53), 'bool', 'string' or 'other'. */
  kind(segments: string[]): string
  /** True when the value is a number of any kind. */
  isNumber(segments: string[]): string
  /** The value as a SQL number, for a path whose kind is 'int'. */
  int(segments: string[]): string
  /** The value as SQL text ('string'), or something equal for equal booleans ('bool'). */
  text(segments: string[]): string
  /** The column giving insertion order (groups come out in the order they first appear). */
  order: string
}

type Accumulator =
  | { field: string; op: '$sum' | '$avg' | '$min' | '$max'; path: string[] }
  | { field: string; op: 'count'; times: number }

export interface SimpleGroup {
  key: string[] | null
  fields: Accumulator[]
}

const LIMIT = 2 ** 53

/** The group when it is one SQL can answer, else null. */
export function simpleGroup(spec: unknown): SimpleGroup | null {
  if (!isPlainObject(spec)) return null
  const key = spec._id === null ? null : fieldPath(spec._id)
  if (key === undefined) return null
  const fields: Accumulator[] = []
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
      fields.push({ field, op, path })
    } else return null
  }
  return { key, fields }
}

// '$a.b' -> ['a', 'b']; undefined for anything else ('$$ROOT', expressions, constants).
function fieldPath(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || !value.startsWith('$') || value.startsWith('$$')) return undefined
  return sqlPath(value.slice(1)) ?? undefined
}

/**
 * The statement answering `group` over the documents `filter` matches, with its
 * parameters; null when the filter is not one SQL answers exactly. Every candidate row
 * is checked (no array index is relied on), as a count does.
 */
export function groupStatement(
  filter: Filter,
  group: SimpleGroup,
  dialect: GroupDialect,
  table: string,
): { sql: string; params: unknown[] } | null {
  const plan = planFind(filter, {}, dialect.base, { table, arrayIndexed: new Set() })
  if (plan.kind !== 'exact') return null
  const params: unknown[] = plan.rowCheck ? [] : [...plan.params]
  const where = plan.rowCheck ? plan.rowCheck.candidates(params) : plan.where
  return { sql: groupQuery(group, dialect, `${table} WHERE ${where}`, plan.rowCheck?.bad ?? '0'), params }
}

/**
 * The SELECT over `from` (a table and WHERE clause) with `bad` (the rows' own flag, OR-ed
 * with the group's checks): one row per group, in order of first appearance.
 */
export function groupQuery(group: SimpleGroup, dialect: GroupDialect, from: string, rowBad: string): string {
  const columns: string[] = []
  const bad: string[] = [`(${rowBad}) = 1`]
  const paths = [
    ...(group.key ? [group.key] : []),
    ...group.fields.flatMap((f) => ('path' in f ? [f.path] : [])),
  ]
  // An array on a path: the engine sees it (or values inside it), SQL does not.
  for (const path of paths) for (const test of arraySteps(path, dialect.base)) bad.push(test)
  let groupBy = ''
  if (group.key) {
    const kind = dialect.kind(group.key)
    const int = `CASE WHEN ${kind} = 'int' THEN ${dialect.int(group.key)} END`
    const text = `CASE WHEN ${kind} IN ('string', 'bool') THEN ${dialect.text(group.key)} END`
    columns.push(`${kind} AS k`, `${int} AS ki`, `${text} AS ks`)
    bad.push(`${kind} = 'other'`)
    groupBy = ` GROUP BY ${kind}, ${int}, ${text}`
  }
  group.fields.forEach((field, i) => {
    if (field.op === 'count') return
    const kind = dialect.kind(field.path)
    const int = `CASE WHEN ${kind} = 'int' THEN ${dialect.int(field.path)} END`
    if (field.op === '$sum' || field.op === '$avg') {
      // Other numbers would be summed differently; non-numbers are ignored by both.
      bad.push(`(${kind} = 'other' AND ${dialect.isNumber(field.path)})`)
      columns.push(`sum(${int}) AS s${i}`, `sum(abs(${int})) AS a${i}`, `count(${int}) AS n${i}`)
    } else {
      // Only whole numbers (and null or missing, which are skipped) compare alike.
      bad.push(`${kind} NOT IN ('null', 'int')`)
      columns.push(`${field.op === '$min' ? 'min' : 'max'}(${int}) AS m${i}`)
    }
  })
  columns.push('count(*) AS total', `max(CASE WHEN ${bad.join(' OR ')} THEN 1 ELSE 0 END) AS bad`)
  return `SELECT ${columns.join(', ')} FROM ${from}${groupBy} HAVING count(*) > 0 ORDER BY min(${dialect.order})`
}

/** The groups as the engine gives them, or null when a row is bad or a sum may be inexact. */
export function groupResults(group: SimpleGroup, rows: Doc[]): Doc[] | null {
  const out: Doc[] = []
  for (const row of rows) {
    if (Number(row.bad)) return null
    const doc: Doc = { _id: group.key ? keyValue(row) : null }
    const total = Number(row.total)
    for (const [i, field] of group.fields.entries()) {
      if (field.op === 'count') {
        if (Math.abs(field.times * total) > LIMIT) return null
        doc[field.field] = field.times * total
      } else if (field.op === '$min' || field.op === '$max') {
        doc[field.field] = row[`m${i}`] === null ? null : Number(row[`m${i}`])
      } else {
        // Below 2^53 in absolute sum, every partial sum is exact in floating point too.
        if (Number(row[`a${i}`] ?? 0) > LIMIT) return null
        const sum = Number(row[`s${i}`] ?? 0)
        const count = Number(row[`n${i}`])
        doc[field.field] = field.op === '$sum' ? sum : count === 0 ? null : sum / count
      }
    }
    out.push(doc)
  }
  return out
}

function keyValue(row: Doc): unknown {
  if (row.k === 'int') return Number(row.ki)
  if (row.k === 'string') return row.ks
  if (row.k === 'bool') return row.ks === 'true' || row.ks === 1 || row.ks === '1'
  return null
}
