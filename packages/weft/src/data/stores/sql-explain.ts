// What `cursor.explain()` shows for the SQL stores: the statement a find runs first, how
// much of the query SQL answers, and what the database says it will do with it (which
// indexes, whether it reads the whole table), so a user can see why a query is slow.

import type { Explanation, Filter, FindOptions } from '../store.js'
import {
  exactQuery,
  indexDirection,
  keyColumns,
  type PlanTarget,
  partialQuery,
  planFind,
  rowCheckedQuery,
  supersetPlan,
} from './sql-find.js'
import type { SqlDialect } from './sql-pushdown.js'

/** How a store lays out its rows, for the statements below. */
export interface SqlLayout {
  dialect: SqlDialect
  target: PlanTarget
  directions: Map<string, Set<1 | -1>>
  /** The insertion-order column (`rowid`, `seq`). */
  insertionOrder: string
  /** The document column (`doc`, `body`). */
  body: string
}

export type SqlExplanation = Omit<Explanation, 'store' | 'indexes' | 'fullScan' | 'detail'>

/** The first statement a find runs, and how much of the query SQL answers (`plan`: the store's own). */
export function explainFind(
  filter: Filter,
  options: FindOptions,
  layout: SqlLayout,
  plan = planFind(filter, options, layout.dialect, layout.target),
): SqlExplanation {
  const { dialect, target, insertionOrder, body } = layout
  const params: unknown[] = []
  if (plan.kind === 'superset') {
    const superset = supersetPlan(filter, dialect)
    return {
      pushdown: 'filter',
      sql: `SELECT ${body} FROM ${target.table} WHERE ${superset.where} ORDER BY ${insertionOrder}`,
      params: superset.params,
      note: 'SQL narrows the candidates; filter, sort, skip and limit finish in JavaScript.',
    }
  }
  const pushdown = plan.partialSort ? 'partial sort' : 'all'
  if (plan.rowCheck) {
    const columns = plan.partialSort ? `${insertionOrder} AS r` : ''
    return {
      pushdown,
      sql: rowCheckedQuery(plan, dialect, target.table, insertionOrder, columns, body, params),
      params,
      note: 'One statement reads the candidates and checks each for arrays (and non-numbers in sort keys).',
    }
  }
  params.push(...plan.params)
  const where = plan.arrayCheck === null ? plan.where : `(${plan.where}) AND NOT (${plan.arrayCheck(params)})`
  const select = `SELECT ${body}${keyColumns(plan, dialect)} FROM ${target.table} WHERE ${where}`
  if (plan.partialSort) {
    const { orderBy, window } = partialQuery(plan, dialect, insertionOrder)
    return { pushdown, sql: `${select} ORDER BY ${orderBy} LIMIT ${window}`, params }
  }
  const query = exactQuery(plan, dialect, insertionOrder, indexDirection(plan, layout.directions))
  const limit = query.limit === null ? '' : ` LIMIT ${query.limit}`
  const offset = query.offset > 0 && query.limit !== null ? ` OFFSET ${query.offset}` : ''
  return { pushdown, sql: `${select} ORDER BY ${query.orderBy}${limit}${offset}`, params }
}
