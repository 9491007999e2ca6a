// How the SQL stores answer a find: either SQL does it all (filter, order, skip, limit)
// because the pushdown is exact, or SQL narrows to a superset in insertion order and the
// shared query engine does the rest in JavaScript. Both give the memory store's answer.

import { compileFilter, compileProjection, compileSort } from '../query/index.js'
import type { Filter, FindOptions, StoredDocument } from '../store.js'
import { arraySteps, orderBy, probePaths, pushdown, type SqlDialect, sqlPath } from './sql-pushdown.js'

export interface ExactPlan {
  kind: 'exact'
  where: string
  params: unknown[]
  orderBy: string
  limit: number | null
  offset: number
  /** SQL condition true for a row with an array on a path the plan relies on; null: none. */
  arrayProbe: string | null
}

export interface SupersetPlan {
  kind: 'superset'
  where: string
  params: unknown[]
  orderBy: string
}

/**
 * The exact plan when SQL can answer on its own (the caller first runs `arrayProbe`
 * and falls back to `supersetPlan` if it finds a row), else the superset plan.
 */
export function planFind(
  filter: Filter,
  options: FindOptions,
  dialect: SqlDialect,
  insertionOrder: string,
): ExactPlan | SupersetPlan {
  const scalar = pushdown(filter, dialect, 'scalar')
  const order = scalar.exact ? orderBy(options.sort, scalar.pins, dialect, insertionOrder) : null
  if (order === null) return supersetPlan(filter, dialect, insertionOrder)
  const paths = probePaths(scalar, options.sort)
  const steps = new Set<string>()
  for (const path of paths) for (const step of arraySteps(sqlPath(path)!, dialect)) steps.add(step)
  return {
    kind: 'exact',
    where: scalar.where,
    params: scalar.params,
    orderBy: order,
    limit: options.limit ? options.limit : null,
    offset: options.skip ?? 0,
    arrayProbe: steps.size > 0 ? [...steps].join(' OR ') : null,
  }
}

export function supersetPlan(filter: Filter, dialect: SqlDialect, insertionOrder: string): SupersetPlan {
  const pushed = pushdown(filter, dialect, 'superset')
  return { kind: 'superset', where: pushed.where, params: pushed.params, orderBy: `${insertionOrder} ASC` }
}

/** True when the options ask for more than a filter (so an exact plan pays off). */
export function wantsExactPlan(options: FindOptions): boolean {
  return (
    Boolean(options.sort && Object.keys(options.sort).length > 0) ||
    Boolean(options.limit) ||
    Boolean(options.skip)
  )
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
