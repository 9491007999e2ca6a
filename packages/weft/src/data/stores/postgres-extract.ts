// A row-checked plan (see `rowCheck` in sql-find.ts) reads every candidate and tests each
// path several times: the filter, the array checks, the number check, the sort key.
// PostgreSQL evaluates `doc #> '{a}'` anew for each of them (it builds a new JSONB value
// every time), and on a scan those extractions cost more than the scan itself: an
// unindexed filter with a sort and a limit ran 2-4x slower than hand-written SQL.
//
// When no index can serve the filter, the statement reads instead from a subquery that
// extracts each path once, as a column (OFFSET 0 keeps PostgreSQL from merging the
// subquery back into the statement, which would bring the repeated extractions back),
// and the plan's SQL names those columns. With an indexed filter the subquery would hide
// the index, so such plans keep the plain table; so do tables large enough for a parallel
// scan, which the fence would rule out (see `#rowChecked` in postgres-reads.ts).

import { isPlainObject } from '../query/index.js'
import type { Filter } from '../store.js'
import { arrowPath, elementComparisons, postgresDialect, quote } from './postgres-dialect.js'
import { pushdown, type SqlDialect } from './sql-pushdown.js'

/** A dialect whose path values are columns of `from(table)`, each extracted once. */
export interface ExtractOnce {
  dialect: SqlDialect
  /**
   * The subquery to read from, extracting every path the dialect was asked for so far:
   * plan with `dialect` first. A path asked for later reads `doc` itself, as usual.
   */
  from(table: string): string
  /**
   * True when `where` reads an extracted column. Otherwise the subquery would extract,
   * for every row, paths only the matching rows need (element-wise comparisons read
   * `doc` itself): the plain table costs less.
   */
  filtersOn(where: string): boolean
}

const MAX_NAMED_PATH = 50

export function extractOnce(): ExtractOnce {
  const columns = new Map<string, string>()
  let frozen = false
  const dialect: SqlDialect = {
    ...postgresDialect,
    // No index serves these statements (see `servedByNoIndex`): any path may be compared element by element.
    elementwise: elementComparisons,
    value(segments) {
      const path = segments.join('.')
      const column = columns.get(path)
      if (column) return column
      if (frozen) return postgresDialect.value(segments)
      // PostgreSQL cuts names at 63 bytes: a long path gets a numbered name ('#' is in no path).
      const name = quote(path.length <= MAX_NAMED_PATH ? `doc.${path}` : `doc.#${columns.size}`)
      columns.set(path, name)
      return name
    },
  }
  return {
    dialect,
    from(table) {
      frozen = true
      const extracted = [...columns].map(([path, name]) => `, ${arrowPath(path.split('.'))} AS ${name}`)
      return `(SELECT seq, _id, xmin, doc, body${extracted.join('')} FROM ${table} OFFSET 0) AS docs`
    },
    filtersOn: (where) => [...columns.values()].some((name) => where.includes(name)),
  }
}

/**
 * True when no index can serve the filter's SQL: it names no `_id` (the primary key) and
 * no path that leads an index (`indexed`, from the catalog). Only then may a statement
 * read from `extractOnce`'s subquery without losing an index.
 */
export function servedByNoIndex(filter: Filter, indexed: ReadonlyMap<string, unknown>): boolean {
  if (namesId(filter)) return false
  return pushdown(filter, postgresDialect, 'scalar').paths.every((path) => !indexed.has(path))
}

function namesId(filter: Filter): boolean {
  for (const key of Object.keys(filter)) {
    if (key === '_id') return true
    const value = filter[key]
    if ((key === '$and' || key === '$or') && Array.isArray(value)) {
      if (value.some((branch) => isPlainObject(branch) && namesId(branch as Filter))) return true
    }
  }
  return false
}
