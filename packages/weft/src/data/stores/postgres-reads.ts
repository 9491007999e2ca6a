// The read side of a PostgreSQL collection: finds through the SQL pushdown (exact plans
// straight from SQL with their array check in the same statement, superset plans finished
// in JavaScript), counts, and explain(). Writes (postgres-collection.ts) read through
// `select`, with a row lock inside transactions.

import { compileProjection } from '../query/index.js'
import type { Explanation, Filter, FindOptions, GroupStages, StoredDocument } from '../store.js'
import { decodeDoc } from './json-codec.js'
import {
  indexedPathsDialect,
  postgresDialect,
  postgresGroupDialect,
  UNORDERED_IDS,
} from './postgres-dialect.js'
import { isDataException } from './postgres-errors.js'
import { extractOnce, servedByNoIndex } from './postgres-extract.js'
import type { PostgresHost, Queryable } from './postgres-host.js'
import { explainFind } from './sql-explain.js'
import {
  addIndexDirection,
  type ExactPlan,
  exactQuery,
  finishPartialSort,
  hasBadRow,
  indexDirection,
  keyColumns,
  type OrderedRow,
  orderTies,
  type PlanTarget,
  partialBoundary,
  partialQuery,
  pinnedId,
  planFind,
  rowCheckedCount,
  rowCheckedQuery,
  rowKeys,
  selectInMemory,
  supersetPlan,
  tieBoundary,
} from './sql-find.js'
import { groupResults, groupStatement, simpleGroup } from './sql-group.js'
import { arrayIndexStep, type IndexCatalog, unorderedIdsIndexName } from './sql-indexes.js'
import { type CachedPlan, PlanCache, type PlanMemo } from './sql-plan-cache.js'
import type { SqlDialect } from './sql-pushdown.js'

/** A row read for a write: its key, row version (xmin) and document. */
export interface Row {
  key: string
  version: string
  doc: StoredDocument
}

/** What a write reads besides the body. */
const WRITE_COLUMNS = '_id AS key, xmin::text AS version'
// A find needs neither the key nor the row version: leaving them out saved about a fifth
// of the client's CPU on a 1,000-row read (two columns less to send and to parse).
const FIND_COLUMNS = ''

/**
 * The select list: the insertion order when the read orders ties in JavaScript (a float8
 * to format and parse per row cost a 500-row find 7%, so the others leave it out), the
 * caller's `columns`, and the body unless the statement selects it itself.
 * `ord`, not `seq`: an output column named seq would capture ORDER BY seq and defeat the index.
 */
function selectList(columns: string, ordered: boolean, body = 'body'): string {
  return [ordered ? 'seq::float8 AS ord' : '', columns, body].filter(Boolean).join(', ')
}

export class PostgresReads {
  readonly #store: PostgresHost
  readonly #name: string
  readonly #table: string
  /** What the indexes offer the planner, read from the catalog (null: read it again). */
  #indexes: IndexCatalog | null = null
  /** The dialect for those indexes (`indexedPathsDialect`), set with them. */
  #dialect: SqlDialect = postgresDialect
  /** Plans by filter shape (see sql-plan-cache.ts), made once `#catalog()` has been read. */
  readonly #plans = new PlanCache(
    (filter, options) => planFind(filter, options, this.#dialect, this.#targetOf(this.#indexes!)),
    true,
  )
  /** Group statements whose summed values were not all numbers (see `group`). */
  readonly #untypedGroups = new Set<string>()
  /** Would PostgreSQL scan the table with parallel workers, and until when the answer holds. */
  #parallel = { scans: false, until: 0 }

  constructor(store: PostgresHost, name: string, table: string) {
    this.#store = store
    this.#name = name
    this.#table = table
  }

  /** After createIndex: read the catalog again. */
  forgetIndexes(): void {
    this.#indexes = null
    this.#plans.clear()
  }

  /** After an insert: the table may have grown into a parallel scan (`#scansInParallel`). */
  forgetSize(): void {
    this.#parallel.until = 0
  }

  async count(filter: Filter): Promise<number> {
    await this.#catalog()
    const plan = this.#plans.plan(filter, {})
    const db = this.#store.db
    if (plan.kind === 'exact' && plan.rowCheck) {
      const checked = await this.#rowChecked(filter, {}, plan)
      const params: unknown[] = []
      const [row] = (await db.query(rowCheckedCount(checked.plan, checked.table, params), params)).rows
      if (!row.bad && (Number(row.n) > 0 || !(await this.#tableHasArrays(checked.plan, db))))
        return Number(row.n)
    } else if (plan.kind === 'exact' && !(await this.#hasArrays(plan, db))) {
      const result = await db.query(
        `SELECT count(*)::int AS n FROM ${this.#table} WHERE ${plan.where}`,
        plan.params,
      )
      return result.rows[0].n
    }
    return (await this.select(filter, {}, db, '')).length
  }

  /** A `$group` over the matches in SQL (see sql-group.ts); null: let the engine run it. */
  async group(
    filter: Filter,
    spec: unknown,
    stages?: GroupStages,
  ): Promise<Record<string, unknown>[] | null> {
    const group = simpleGroup(spec)
    if (!group) return null
    const target = await this.#target()
    const statementOf = (strict: boolean) =>
      groupStatement(filter, group, postgresGroupDialect, target, stages, strict)
    // Summed values are read as plain doubles first (see `strictNumber`). A value of
    // another type stops that statement, and the one that reads around types answers,
    // from then on for that statement. Not in a transaction, which the error would end.
    const strict = !this.#store.inTransaction
    let statement = statementOf(strict)
    if (!statement) return null
    if (strict && this.#untypedGroups.has(statement.sql)) statement = statementOf(false)!
    const db = this.#store.db
    let rows: Record<string, unknown>[]
    try {
      rows = (await db.query(statement.sql, statement.params)).rows
    } catch (error) {
      if (!strict || !isDataException(error)) throw error
      if (this.#untypedGroups.size >= 1000) this.#untypedGroups.clear()
      this.#untypedGroups.add(statement.sql)
      statement = statementOf(false)!
      rows = (await db.query(statement.sql, statement.params)).rows
    }
    const { whenEmpty } = statement
    if (rows.length === 0 && whenEmpty && (await db.query(whenEmpty.sql, whenEmpty.params)).rows[0].found)
      return null
    return groupResults(group, postgresGroupDialect, rows)
  }

  async explain(filter: Filter, options: FindOptions): Promise<Explanation> {
    const catalog = await this.#catalog()
    const target = await this.#target()
    const plan = planFind(filter, options, this.#dialect, target)
    const checked =
      plan.kind === 'exact' && plan.rowCheck ? await this.#rowChecked(filter, options, plan) : null
    const layout = {
      dialect: checked?.dialect ?? this.#dialect,
      target: { ...target, table: checked?.table ?? this.#table },
      directions: catalog.directions,
    }
    const layoutSql = { ...layout, insertionOrder: 'seq', body: 'body' }
    // The plan the read runs: its table checks read the table, not the subquery.
    const found = explainFind(filter, options, layoutSql, checked?.plan ?? plan)
    const result = await this.#store.db.query(`EXPLAIN (FORMAT JSON) ${found.sql}`, found.params)
    const detail = result.rows[0]['QUERY PLAN']
    const indexes = new Set<string>()
    let fullScan = false
    const walk = (node: Record<string, any>) => {
      if (node['Index Name']) indexes.add(node['Index Name'])
      if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === this.#name) fullScan = true
      for (const child of node.Plans ?? []) walk(child)
    }
    walk(detail[0].Plan)
    return { store: 'postgres', ...found, indexes: [...indexes], fullScan, detail }
  }

  /** The documents a find returns (read without their key and row version). */
  async find(filter: Filter, options: FindOptions): Promise<StoredDocument[]> {
    const db = planOnce(filter, options) ? this.#store.planOnceDb : this.#store.db
    return (await this.select(filter, options, db, '', FIND_COLUMNS)).map((row) => row.doc)
  }

  /** Matching rows in order, with their row version (xmin) for optimistic writes. */
  async select(
    filter: Filter,
    options: FindOptions,
    db: Queryable,
    lock: '' | ' FOR UPDATE',
    columns = WRITE_COLUMNS,
  ): Promise<Row[]> {
    const id = options.skip ? null : pinnedId(filter)
    if (id !== null && !options.projection) {
      // By primary key (an update by _id): no plan, no probe, no ORDER BY.
      const sql = `SELECT ${selectList(columns, false)} FROM ${this.#table} WHERE _id = $1${lock}`
      return decodeRows((await db.query(sql, [id])).rows)
    }
    if (!this.#indexes) await this.#catalog()
    const plan = this.#plans.plan(filter, options)
    let rows: Row[] | null = null
    if (plan.kind === 'exact' && plan.rowCheck) {
      rows = lock
        ? null
        : await this.#selectRowChecked(await this.#rowChecked(filter, options, plan), db, columns)
    } else if (plan.kind === 'exact') {
      rows = await this.#selectExact(plan, db, lock, columns)
    }
    if (rows === null) {
      const superset = supersetPlan(filter, this.#dialect)
      const sql = `SELECT ${selectList(columns, false)} FROM ${this.#table} WHERE ${superset.where} ORDER BY seq${lock}`
      const all = decodeRows((await db.query(sql, superset.params)).rows)
      rows = selectInMemory(all, (row) => row.doc, filter, options)
    }
    if (!options.projection) return rows
    const shape = compileProjection(options.projection)
    return rows.map((row) => ({ ...row, doc: shape(row.doc) as StoredDocument }))
  }

  /**
   * The exact plan, or null when the array check finds a row. Without a lock the check
   * rides along in the same statement (one round trip; see `#firstRows`), and
   * `orderTies` restores the order either way.
   */
  async #selectExact(
    plan: CachedPlan & ExactPlan,
    db: Queryable,
    lock: '' | ' FOR UPDATE',
    columns: string,
  ): Promise<Row[] | null> {
    if (plan.partialSort) return this.#selectPartial(plan, db, lock, columns)
    // A cached plan keeps the text its shape's first query built (see PlanMemo): the same
    // string again also spares the driver hashing a new one to find its prepared statement.
    const memo = plan.memo ?? {}
    const selectKey = `select ${columns}`
    if (memo[selectKey] !== undefined) {
      const rows = await this.#firstRows(plan, db, lock, memo[selectKey], memo.order, memo, columns)
      return rows === null ? null : rows.map(decodeRow)
    }
    const query = exactQuery(plan, this.#dialect, 'seq', indexDirection(plan, this.#indexes!.directions))
    // Without reversed ties SQL's order (keys, then seq) is the final one: no order or key
    // columns to read back and sort by.
    const { reversedTies } = query
    const keys = reversedTies ? keyColumns(plan, this.#dialect) : ''
    const select = `SELECT ${selectList(columns, reversedTies)}${keys} FROM ${this.#table} WHERE ${plan.where}`
    const order = ` ORDER BY ${query.orderBy}${pageClause(query.limit, query.offset)}`
    if (!reversedTies) {
      memo.order = order
      memo[selectKey] = select
    }
    const rows = await this.#firstRows(plan, db, lock, select, order, memo, columns)
    if (rows === null) return null
    if (!reversedTies) return rows.map(decodeRow)
    const edge = tieBoundary(rows, query.limit)
    if (!edge) return orderTies(rows, plan, query, null).map(decodeRow)
    const more = [...plan.params]
    const equal = plan.sortKeys.map((key, i) => this.#dialect.equals(key.segments, edge.values[i], more))
    more.push(edge.count)
    const sql = `${select} AND ${equal.join(' AND ')} ORDER BY seq LIMIT $${more.length}${lock}`
    const boundary = rawRows((await db.query(sql, more)).rows, plan)
    return orderTies(rows, plan, query, { values: edge.values, rows: boundary }).map(decodeRow)
  }

  /**
   * The plan's rows in SQL's order (`order`: its ORDER BY and page), with the array check;
   * null when it found an array. `memo` keeps the checked statement under `key`.
   */
  async #firstRows(
    plan: ExactPlan,
    db: Queryable,
    lock: '' | ' FOR UPDATE',
    select: string,
    order: string,
    memo: PlanMemo = {},
    key = '',
  ): Promise<RawRow[] | null> {
    const params = [...plan.params]
    if (plan.arrayCheck === null || lock) {
      if (await this.#hasArrays(plan, db)) return null
      return rawRows((await db.query(`${select}${order}${lock}`, params)).rows, plan)
    }
    // The check as a condition: PostgreSQL runs it once, before reading a row, so rows
    // back mean no array. No rows means no match or an array: the statement below tells
    // which. (Asking it first cost every read a join and a column of its own.)
    const check = plan.arrayCheck(params)
    const guarded = (memo[`guarded ${key}`] ??= `${select} AND NOT (${check})${order}`)
    const found = (await db.query(guarded, params)).rows
    if (found.length > 0) return rawRows(found, plan)
    const sql =
      `WITH probe AS (SELECT ${check} AS arrays) ` +
      `SELECT probe.arrays, q.* FROM probe LEFT JOIN LATERAL (${select}${order}) q ` +
      'ON NOT probe.arrays'
    const result = (await db.query(sql, params)).rows
    if (result[0]?.arrays) return null
    return rawRows(
      result.filter((row) => row.body !== null),
      plan,
    )
  }

  /** One statement checks every candidate and sorts them (see `rowCheck` in sql-find.ts). */
  async #selectRowChecked(checked: RowChecked, db: Queryable, columns: string): Promise<Row[] | null> {
    const { plan, dialect, table } = checked
    const params: unknown[] = []
    const read = selectList(columns, plan.partialSort !== null, '')
    const sql = rowCheckedQuery(plan, dialect, table, 'seq', read, 'body', params)
    const result = (await db.query(sql, params)).rows
    if (result.length === 0) return (await this.#tableHasArrays(plan, db)) ? null : []
    if (hasBadRow(result, 'body')) return null
    if (!plan.partialSort) return result.slice(plan.offset).map(decodeRow)
    const rows = rawRows(result, plan)
    const select = `SELECT ${selectList(columns, true)}${keyColumns(plan, dialect)} FROM ${table} WHERE ${plan.where}`
    return this.#finishPartial(rows, plan, db, select, '')
  }

  /**
   * The plan and dialect a row-checked read runs with, and the table it reads: the
   * `extractOnce` subquery when no index serves the filter (see postgres-extract.ts),
   * unless PostgreSQL would scan the table with parallel workers, which the subquery's
   * fence rules out: from 100,000 documents on, two processes extracting each path
   * several times beat one extracting it once (the 2-core machine of docs/benchmarks.md).
   */
  async #rowChecked(filter: Filter, options: FindOptions, plan: ExactPlan): Promise<RowChecked> {
    const plain = { plan, dialect: this.#dialect, table: this.#table }
    if (!servedByNoIndex(filter, (await this.#catalog()).directions)) return plain
    if (await this.#scansInParallel()) return plain
    const once = extractOnce()
    const replanned = planFind(filter, options, once.dialect, await this.#target())
    if (replanned.kind !== 'exact' || !replanned.rowCheck || !once.filtersOn(replanned.where)) return plain
    return { plan: replanned, dialect: once.dialect, table: once.from(this.#table) }
  }

  /** SQL orders by the keys it can and reads the window; JavaScript orders the ties. */
  async #selectPartial(
    plan: ExactPlan,
    db: Queryable,
    lock: '' | ' FOR UPDATE',
    columns: string,
  ): Promise<Row[] | null> {
    const { orderBy, window } = partialQuery(plan, this.#dialect, 'seq')
    const select = `SELECT ${selectList(columns, true)}${keyColumns(plan, this.#dialect)} FROM ${this.#table} WHERE ${plan.where}`
    const rows = await this.#firstRows(plan, db, lock, select, ` ORDER BY ${orderBy}${pageClause(window, 0)}`)
    if (rows === null) return null
    return this.#finishPartial(rows, plan, db, select, lock)
  }

  /** Reads the rows tying with the last one when SQL's rows fill the window, then sorts in full. */
  async #finishPartial(
    rows: RawRow[],
    plan: ExactPlan,
    db: Queryable,
    select: string,
    lock: '' | ' FOR UPDATE',
  ): Promise<Row[]> {
    const values = partialBoundary(rows, plan)
    let boundary = null
    if (values) {
      const more = [...plan.params]
      const equal = plan.sortKeys.map((key, i) => this.#dialect.equals(key.segments, values[i], more))
      boundary = {
        values,
        rows: rawRows((await db.query(`${select} AND ${equal.join(' AND ')}${lock}`, more)).rows, plan),
      }
    }
    const decoded = new Map<RawRow, Row>()
    const rowOf = (raw: RawRow) => decoded.get(raw) ?? decoded.set(raw, decodeRow(raw)).get(raw)!
    return finishPartialSort(rows, plan, (raw) => rowOf(raw).doc, boundary).map(rowOf)
  }

  /** What the indexes offer the planner, read from the catalog once: sort directions, array indexes. */
  async #catalog(): Promise<IndexCatalog> {
    if (this.#indexes) return this.#indexes
    const catalog: IndexCatalog = { directions: new Map(), arrayIndexed: new Set(), unorderedIds: false }
    const indexed = new Set<string>()
    const sql = 'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2'
    for (const row of (await this.#store.pool.query(sql, [this.#store.schema, this.#name])).rows) {
      for (const [, path] of row.indexdef.matchAll(/doc #> '\{([^}]*)\}'/g))
        indexed.add(path.replaceAll(',', '.'))
      if (row.indexname === unorderedIdsIndexName(this.#name)) catalog.unorderedIds = true
      const arrayStep = arrayIndexStep(this.#name, row.indexname)
      if (arrayStep) catalog.arrayIndexed.add(arrayStep)
      else
        addIndexDirection(
          catalog.directions,
          /btree \(\(\(doc #> '\{([^}]*)\}'::text\[\]\)\)( DESC)?/.exec(row.indexdef),
          ',',
        )
    }
    this.#indexes = catalog
    this.#dialect = indexedPathsDialect(indexed)
    return catalog
  }

  /**
   * Would a scan of this table run in parallel (workers allowed, the table at least
   * `min_parallel_table_scan_size`)? The answer holds ten seconds, or until this process
   * inserts: other processes' inserts grow the table too.
   */
  async #scansInParallel(): Promise<boolean> {
    const now = Date.now()
    if (now < this.#parallel.until) return this.#parallel.scans
    const sql =
      "SELECT current_setting('max_parallel_workers_per_gather')::int > 0 AND " +
      "pg_relation_size(to_regclass($1)) >= pg_size_bytes(current_setting('min_parallel_table_scan_size')) AS scans"
    const scans = (await this.#store.db.query(sql, [this.#table])).rows[0].scans === true
    this.#parallel = { scans, until: now + 10_000 }
    return scans
  }

  async #target(): Promise<PlanTarget> {
    return this.#targetOf(await this.#catalog())
  }

  #targetOf({ arrayIndexed, unorderedIds }: IndexCatalog): PlanTarget {
    return {
      table: this.#table,
      arrayIndexed,
      tableChecks: true,
      unorderedIds: unorderedIds ? UNORDERED_IDS : undefined,
    }
  }

  /**
   * A row-checked read found no row: was that an array at an indexed step? Its check
   * (`rowCheck.table`) rides in the statement as a condition PostgreSQL evaluates once,
   * which keeps the indexed condition plain, but then no rows can mean either.
   */
  async #tableHasArrays(plan: ExactPlan, db: Queryable): Promise<boolean> {
    const table = plan.rowCheck?.table
    return Boolean(table) && (await db.query(`SELECT ${table} AS found`)).rows[0].found
  }

  async #hasArrays(plan: ExactPlan, db: Queryable): Promise<boolean> {
    if (plan.arrayCheck === null) return false
    const params: unknown[] = []
    const result = await db.query(`SELECT ${plan.arrayCheck(params)} AS found`, params)
    return result.rows[0].found
  }
}

/** A row-checked plan with the dialect its SQL was written in and the table it reads. */
interface RowChecked {
  plan: ExactPlan
  dialect: SqlDialect
  table: string
}

interface RawRow extends OrderedRow {
  key: string
  version: string
  body: string
}

/**
 * Whether one plan serves a find whatever its values: a LIMIT read whose filter only
 * names fields of its sort. The sort's index then both finds and orders the rows, for
 * any bounds. With a filter on another field the best plan depends on how many rows the
 * values select, and PostgreSQL keeps planning each call.
 */
function planOnce(filter: Filter, options: FindOptions): boolean {
  if (options.limit === undefined || !options.sort) return false
  const sorted = new Set(Object.keys(options.sort))
  return Object.keys(filter).every((path) => sorted.has(path))
}

// LIMIT and OFFSET go into the SQL text as integers: as parameters of a prepared
// statement they hide the limit from the generic plan, which then ran 3x slower.
function pageClause(limit: number | null, offset: number): string {
  const int = (n: number) => (Number.isSafeInteger(n) && n >= 0 ? n : 0)
  return `${limit === null ? '' : ` LIMIT ${int(limit)}`}${offset > 0 ? ` OFFSET ${int(offset)}` : ''}`
}

function rawRows(rows: Record<string, any>[], plan: ExactPlan): RawRow[] {
  return rows.map((row) => ({
    key: row.key,
    version: row.version,
    order: row.ord,
    keys: rowKeys(row, plan),
    body: row.body,
  }))
}

function decodeRow(row: { key: string; version: string; body: string }): Row {
  return { key: row.key, version: row.version, doc: decodeDoc(row.body) }
}

function decodeRows(rows: { key: string; version: string; body: string }[]): Row[] {
  return rows.map(decodeRow)
}
