// The read side of a SQLite collection: finds through the SQL pushdown (exact plans
// straight from SQL, superset plans finished in JavaScript), counts and explain(). All
// synchronous: the caller has waited for the store (see `#ready` in sqlite-collection.ts).

import type { Explanation, Filter, FindOptions, GroupStages, StoredDocument } from '../store.js'
import { decodeDoc } from './json-codec.js'
import { explainFind } from './sql-explain.js'
import {
  addIndexDirection,
  type ExactPlan,
  exactQuery,
  finishInMemory,
  finishPartialSort,
  hasBadRow,
  indexDirection,
  keyColumns,
  type OrderedRow,
  orderTies,
  type PlanTarget,
  partialBoundary,
  partialQuery,
  planFind,
  project,
  rowCheckedCount,
  rowCheckedQuery,
  rowKeys,
  supersetPlan,
  tieBoundary,
} from './sql-find.js'
import { groupResults, groupStatement, simpleGroup } from './sql-group.js'
import { arrayIndexStep, type IndexCatalog, unorderedIdsIndexName } from './sql-indexes.js'
import { PlanCache, type PlanMemo } from './sql-plan-cache.js'
import type { SqlDialect } from './sql-pushdown.js'
import { indexedPathsDialect, sqliteDialect, sqliteGroupDialect } from './sqlite-dialect.js'
import type { Row, SqliteConnection } from './sqlite-driver.js'

interface SqliteRow extends OrderedRow {
  body?: string
  /** Decoded once, when JavaScript must look inside (a partial sort). */
  doc?: StoredDocument
}

export class SqliteReads {
  readonly #host: { readonly db: SqliteConnection }
  readonly #name: string
  readonly #table: string
  /** What the indexes offer the planner, read from the schema (null: read it again). */
  #indexes: IndexCatalog | null = null
  /** Plans by filter shape; they hold what the indexes offered when they were made. */
  readonly #plans = new PlanCache((filter, options) => {
    const target = this.#target() // reads the catalog first, which sets #dialect
    return planFind(filter, options, this.#dialect, target)
  })
  /** The pushdown's dialect for those indexes (`indexedPathsDialect`), set with them. */
  #dialect: SqlDialect = sqliteDialect

  constructor(host: { readonly db: SqliteConnection }, name: string, table: string) {
    this.#host = host
    this.#name = name
    this.#table = table
  }

  /** After createIndex: read the schema again. */
  forgetIndexes(): void {
    this.#indexes = null
    this.#plans.clear()
  }

  get #db(): SqliteConnection {
    return this.#host.db
  }

  count(filter: Filter): number {
    const plan = this.#plans.plan(filter, {})
    const memo = plan.memo ?? {}
    if (plan.kind === 'exact' && plan.rowCheck) {
      const params: unknown[] = []
      // The candidates' parameters are added either way; their SQL is built once per shape.
      if (memo.count === undefined) memo.count = rowCheckedCount(plan, this.#table, params)
      else plan.rowCheck.candidates(params)
      const [row] = this.#db.statement(memo.count).all(params)
      if (!row.bad && (Number(row.n) > 0 || !this.#tableHasArrays(plan))) return Number(row.n)
    } else if (plan.kind === 'exact' && !this.#hasArrays(plan)) {
      memo.count ??= `SELECT count(*) AS n FROM ${this.#table} WHERE ${plan.where}`
      return Number(this.#db.statement(memo.count).all(plan.params)[0].n)
    }
    return this.find(filter, {}).length
  }

  /** A `$group` over the matches in SQL (see sql-group.ts); null: let the engine run it. */
  group(filter: Filter, spec: unknown, stages?: GroupStages): Record<string, unknown>[] | null {
    const group = simpleGroup(spec)
    const statement = group && groupStatement(filter, group, sqliteGroupDialect, this.#target(), stages)
    if (!group || !statement) return null
    try {
      const rows = this.#db.statement(statement.sql).all(statement.params)
      const { whenEmpty } = statement
      if (rows.length === 0 && whenEmpty && this.#db.statement(whenEmpty.sql).all(whenEmpty.params)[0].found)
        return null
      return groupResults(group, sqliteGroupDialect, rows)
    } catch (error) {
      // An integer sum past 64 bits: the engine sums in floating point.
      if (/integer overflow/.test(String(error))) return null
      throw error
    }
  }

  explain(filter: Filter, options: FindOptions): Explanation {
    const layout = { dialect: sqliteDialect, target: this.#target(), directions: this.#catalog().directions }
    const plan = this.#plans.plan(filter, options)
    const found = explainFind(filter, options, { ...layout, insertionOrder: 'rowid', body: 'doc' }, plan)
    const detail = this.#db
      .statement(`EXPLAIN QUERY PLAN ${found.sql}`, false)
      .all(found.params ?? [])
      .map((row) => String(row.detail))
    const indexes = new Set<string>()
    for (const line of detail) {
      const index = /USING (?:COVERING )?INDEX (\S+)/.exec(line)?.[1]
      if (index) indexes.add(index.replaceAll('"', ''))
    }
    const table = this.#name.replaceAll('"', '""')
    const fullScan = detail.some((line) => line === `SCAN ${table}` || line === `SCAN "${table}"`)
    return { store: 'sqlite', ...found, indexes: [...indexes], fullScan, detail }
  }

  /** The documents `find` answers, now (the caller waited for the store to be ready). */
  find(filter: Filter, options: FindOptions): StoredDocument[] {
    const plan = this.#plans.plan(filter, options)
    const exact = plan.kind === 'exact' ? this.#findExact(plan, plan.memo) : null
    if (exact) return project(exact, options)
    const superset = plan.kind === 'superset' ? plan : supersetPlan(filter, sqliteDialect)
    const sql = `SELECT doc FROM ${this.#table} WHERE ${superset.where} ORDER BY rowid`
    const docs = this.#db
      .statement(sql)
      .all(superset.params)
      .map((row) => decodeDoc(row.doc as string))
    return finishInMemory(docs, filter, options)
  }

  /**
   * The exact plan's documents, or null when the array check found an array. `memo`: the
   * statement of a plan from the cache, kept for the next query of its shape.
   */
  #findExact(plan: ExactPlan, memo: PlanMemo = {}): StoredDocument[] | null {
    if (plan.rowCheck) return this.#findRowChecked(plan)
    if (plan.partialSort) return this.#findPartial(plan)
    // The array check rides in the WHERE clause as uncorrelated EXISTS, which SQLite runs
    // once per statement (free, where a UNION ALL in front of the query doubled its cost
    // and a column cost more with every row). Rows back mean no array; no rows ask the
    // check on its own.
    const params = [...plan.params]
    const check = plan.arrayCheck === null ? null : plan.arrayCheck(params)
    if (memo.exact !== undefined) return this.#readExact(plan, memo.exact, params)
    const where = check === null ? plan.where : `(${plan.where}) AND NOT (${check})`
    const query = exactQuery(plan, sqliteDialect, 'rowid', indexDirection(plan, this.#catalog().directions))
    const page = pageClause(query.limit, query.offset)
    if (!query.reversedTies) {
      // SQL's order is the final one (keys, then rowid): no key columns to read back.
      memo.exact = `SELECT doc FROM ${this.#table} WHERE ${where} ORDER BY ${query.orderBy}${page}`
      return this.#readExact(plan, memo.exact, params)
    }
    // Reversed ties: the first pass reads keys and rowids only (from the index); the
    // documents are read once the rows that stay are known.
    const keys = keyColumns(plan, sqliteDialect)
    const rows = this.#readRows(
      `SELECT rowid AS r${keys} FROM ${this.#table} WHERE ${where} ORDER BY ${query.orderBy}${page}`,
      params,
      plan,
    )
    if (rows.length === 0) return this.#hasArrays(plan) ? null : []
    const from = `${keys} FROM ${this.#table} WHERE ${plan.where}`
    const edge = tieBoundary(rows, query.limit)
    let boundary = null
    if (edge) {
      const params = [...plan.params]
      const equal = plan.sortKeys.map((key, i) => sqliteDialect.equals(key.segments, edge.values[i], params))
      const sql = `SELECT rowid AS r, doc${from} AND ${equal.join(' AND ')} ORDER BY rowid${pageClause(edge.count, 0)}`
      boundary = { values: edge.values, rows: this.#readRows(sql, params, plan) }
    }
    const kept = orderTies(rows, plan, query, boundary)
    const missing = kept.filter((row) => row.body === undefined).map((row) => row.order)
    if (missing.length > 0) {
      const sql = `SELECT rowid AS r, doc FROM ${this.#table} WHERE rowid IN (${missing.map(() => '?').join(', ')})`
      const bodies = new Map(
        this.#db
          .statement(sql)
          .all(missing)
          .map((row) => [row.r as number, row.doc as string]),
      )
      for (const row of kept) row.body ??= bodies.get(row.order)
    }
    return kept.map((row) => decodeDoc(row.body!))
  }

  /** The documents of an exact query whose order SQL gives whole (`sql`: it selects `doc`). */
  #readExact(plan: ExactPlan, sql: string, params: unknown[]): StoredDocument[] | null {
    const rows = this.#db.statement(sql).all(params)
    if (rows.length === 0) return this.#hasArrays(plan) ? null : []
    const docs = new Array<StoredDocument>(rows.length)
    for (let i = 0; i < rows.length; i++) docs[i] = decodeDoc(rows[i].doc as string)
    return docs
  }

  /** One statement checks every candidate and sorts them (see `rowCheck` in sql-find.ts). */
  #findRowChecked(plan: ExactPlan): StoredDocument[] | null {
    const params: unknown[] = []
    // Only a partial sort orders ties in JavaScript and needs the rowid.
    const columns = plan.partialSort ? 'rowid AS r' : ''
    const sql = rowCheckedQuery(plan, sqliteDialect, this.#table, 'rowid', columns, 'doc', params)
    const raw = this.#db.statement(sql).all(params)
    if (raw.length === 0) return this.#tableHasArrays(plan) ? null : []
    if (hasBadRow(raw, 'doc')) return null
    if (!plan.partialSort) return raw.slice(plan.offset).map((row) => decodeDoc(row.doc as string))
    const rows = toSqliteRows(raw, plan)
    const docOf = (row: SqliteRow) => (row.doc ??= decodeDoc(row.body!))
    const from = `SELECT rowid AS r, doc${keyColumns(plan, sqliteDialect)} FROM ${this.#table}`
    return finishPartialSort(rows, plan, docOf, this.#boundary(rows, plan, from)).map(docOf)
  }

  /** SQL orders by the keys it can and reads the window; JavaScript orders the ties. */
  #findPartial(plan: ExactPlan): StoredDocument[] | null {
    const params = [...plan.params]
    const where =
      plan.arrayCheck === null ? plan.where : `(${plan.where}) AND NOT (${plan.arrayCheck(params)})`
    const { orderBy, window } = partialQuery(plan, sqliteDialect, 'rowid')
    const from = `SELECT rowid AS r, doc${keyColumns(plan, sqliteDialect)} FROM ${this.#table}`
    const rows = this.#readRows(
      `${from} WHERE ${where} ORDER BY ${orderBy}${pageClause(window, 0)}`,
      params,
      plan,
    )
    if (rows.length === 0) return this.#hasArrays(plan) ? null : []
    const docOf = (row: SqliteRow) => (row.doc ??= decodeDoc(row.body!))
    return finishPartialSort(rows, plan, docOf, this.#boundary(rows, plan, from)).map(docOf)
  }

  /** When SQL's rows fill the window: every row tying with the last one on SQL's keys. */
  #boundary(rows: SqliteRow[], plan: ExactPlan, from: string) {
    const values = partialBoundary(rows, plan)
    if (!values) return null
    const params = [...plan.params]
    const equal = plan.sortKeys.map((key, i) => sqliteDialect.equals(key.segments, values[i], params))
    return {
      values,
      rows: this.#readRows(`${from} WHERE ${plan.where} AND ${equal.join(' AND ')}`, params, plan),
    }
  }

  #readRows(sql: string, params: unknown[], plan: ExactPlan): SqliteRow[] {
    return toSqliteRows(this.#db.statement(sql).all(params), plan)
  }

  /** What the indexes offer, read from the catalog once: sort directions, array indexes. */
  #catalog(): IndexCatalog {
    if (this.#indexes) return this.#indexes
    const catalog: IndexCatalog = { directions: new Map(), arrayIndexed: new Set(), unorderedIds: false }
    const sql =
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
    const indexed = new Set<string>()
    for (const row of this.#db.statement(sql).all([this.#name])) {
      if (row.name === unorderedIdsIndexName(this.#name)) catalog.unorderedIds = true
      const arrayStep = arrayIndexStep(this.#name, String(row.name))
      if (arrayStep) {
        catalog.arrayIndexed.add(arrayStep)
        continue
      }
      addIndexDirection(
        catalog.directions,
        /\(json_extract\(doc, '\$\.([^']+)'\)( DESC)?/.exec(String(row.sql)),
        '.',
      )
      for (const [, path] of String(row.sql).matchAll(/json_extract\(doc, '\$\.([^']+)'\)/g))
        indexed.add(path)
    }
    this.#dialect = indexedPathsDialect(indexed)
    this.#indexes = catalog
    return catalog
  }

  #target(): PlanTarget {
    const { arrayIndexed, unorderedIds } = this.#catalog()
    const idTest = unorderedIds ? sqliteDialect.notPlainId : undefined
    return { table: this.#table, arrayIndexed, tableChecks: true, unorderedIds: idTest }
  }

  /** A row-checked plan read no row: was that an array at an indexed step (`rowCheck.table`)? */
  #tableHasArrays(plan: ExactPlan): boolean {
    const table = plan.rowCheck?.table
    return Boolean(table) && Boolean(this.#db.statement(`SELECT ${table} AS found`).all([])[0].found)
  }

  #hasArrays(plan: ExactPlan & { memo?: PlanMemo }): boolean {
    if (plan.arrayCheck === null) return false
    const params: unknown[] = []
    const check = plan.arrayCheck(params)
    const memo = plan.memo ?? {}
    memo.arrays ??= `SELECT ${check} AS found`
    return Boolean(this.#db.statement(memo.arrays).all(params)[0].found)
  }
}

function toSqliteRows(rows: Row[], plan: ExactPlan): SqliteRow[] {
  const out = new Array<SqliteRow>(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    out[i] = { order: row.r as number, keys: rowKeys(row, plan), body: row.doc as string | undefined }
  }
  return out
}

// LIMIT and OFFSET go into the SQL text as integers: bound as parameters they cost SQLite
// several microseconds per query (better-sqlite3 binds numbers as REAL).
function pageClause(limit: number | null, offset: number): string {
  const int = (n: number) => (Number.isSafeInteger(n) && n >= 0 ? n : 0)
  return `${limit === null ? (offset > 0 ? ' LIMIT -1' : '') : ` LIMIT ${int(limit)}`}${offset > 0 ? ` OFFSET ${int(offset)}` : ''}`
}
