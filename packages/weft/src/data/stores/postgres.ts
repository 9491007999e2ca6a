// The PostgreSQL store: a `pg.Pool`, one table per collection, expression indexes on
// `doc #> '{a,b}'`, transactions on one pooled client, and a change feed over
// LISTEN/NOTIFY that sees every process's writes. Node-only (AsyncLocalStorage routes a
// transaction's operations to its client).
//
// Table: `seq BIGSERIAL` (insertion order, the natural order of find), `_id TEXT PRIMARY
// KEY` (the JSON form of the id), `doc JSONB` (what SQL queries and indexes read) and
// `body TEXT` (the document as written: JSONB reorders keys, MongoDB keeps them, and key
// order decides equality and sorting of embedded documents).

import { DataError } from '../errors.js'
import type { Store, StoreCollection, StoreFactory } from '../store.js'
import { changesTableSql } from './postgres-changes.js'
import { ignoreRace, PostgresCollection } from './postgres-collection.js'
import { quote } from './postgres-dialect.js'
import { postgresFailure } from './postgres-errors.js'
import type { PostgresHost, Queryable } from './postgres-host.js'
import { ChangeListener } from './postgres-listener.js'
import { TransactionScope } from './transaction-scope.js'

/**
 * `postgres://user@host:5432/db?schema=app&connectTimeout=3000&statementTimeout=5000`:
 * schema defaults to `public`; the timeouts (milliseconds) bound how long a request waits
 * for a connection and for a statement, so an unreachable or stuck database answers
 * `WEFT_DATA_UNAVAILABLE` in bounded time instead of hanging.
 */
export const createStore: StoreFactory = async (url) => {
  const options = parsePostgresUrl(String(url))
  const pg = await loadPg()
  const pool = new pg.Pool(clientConfig(options))
  const planOnce = new pg.Pool(clientConfig(options))
  const store = new PostgresStore(pool, planOnce, options.schema, () =>
    connectClient(pg, clientConfig(options)),
  )
  try {
    const { rows } = await store.db.query("SELECT current_setting('server_version_num')::int AS version")
    checkServerVersion(rows[0].version)
    await store.db.query(`CREATE SCHEMA IF NOT EXISTS ${quote(options.schema)}`).catch(ignoreRace)
    await store.db.query(changesTableSql(options.schema)).catch(ignoreRace)
    await store.listener.start()
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}

/** The oldest PostgreSQL the store's SQL runs on (batch inserts use `string_to_table`). */
const OLDEST_SERVER = 140000

/** Throws unless `version` (`server_version_num`: 150004 is 15.4) is one the store runs on. */
export function checkServerVersion(version: number): void {
  if (version >= OLDEST_SERVER) return
  const release =
    version >= 100000
      ? `${Math.floor(version / 10000)}`
      : `${Math.floor(version / 10000)}.${Math.floor(version / 100) % 100}`
  throw new DataError(
    'WEFT_DATA_OLD_SERVER',
    `PostgreSQL ${release} is too old for weftjs/data: it needs PostgreSQL ${OLDEST_SERVER / 10000} or later.`,
  )
}

interface PostgresOptions {
  connectionString: string
  schema: string
  connectTimeout: number
  statementTimeout: number
}

function parsePostgresUrl(url: string): PostgresOptions {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new DataError('WEFT_DATA_BAD_URL', `"${url}" is not a URL. Use postgres://user@host:5432/database.`)
  }
  const take = (name: string) => {
    const value = parsed.searchParams.get(name)
    parsed.searchParams.delete(name)
    return value
  }
  const schema = take('schema') ?? 'public'
  const connectTimeout = milliseconds(take('connectTimeout'), 3000, 'connectTimeout')
  const statementTimeout = milliseconds(take('statementTimeout'), 5000, 'statementTimeout')
  return { connectionString: parsed.toString(), schema, connectTimeout, statementTimeout }
}

function milliseconds(text: string | null, fallback: number, name: string): number {
  if (text === null) return fallback
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DataError(
      'WEFT_DATA_BAD_URL',
      `${name}=${text} is not a number of milliseconds (0 turns it off).`,
    )
  }
  return value
}

function clientConfig(options: PostgresOptions) {
  return {
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectTimeout,
    // The server cancels a statement that runs too long; the client gives up a little
    // later still when no answer comes at all (a network cut, a frozen server).
    statement_timeout: options.statementTimeout || undefined,
    query_timeout: options.statementTimeout ? options.statementTimeout + 2000 : undefined,
    // Notices a dead peer on idle connections, the LISTEN one above all.
    keepAlive: true,
  }
}

async function loadPg(): Promise<any> {
  const specifier = 'pg'
  try {
    const loaded = await import(specifier)
    return loaded.default ?? loaded
  } catch {
    throw new DataError(
      'WEFT_DATA_MISSING_DRIVER',
      'The PostgreSQL store needs the pg package: `npm install pg`.',
    )
  }
}

async function connectClient(pg: any, config: object): Promise<any> {
  const client = new pg.Client(config)
  // The listener attaches its own handlers once connected; until then a late error of a
  // failed attempt must not go unhandled.
  client.on('error', () => undefined)
  try {
    await client.connect()
  } catch (error) {
    throw postgresFailure(error)
  }
  return client
}

// Named prepared statements: PostgreSQL then parses and plans each query text once per
// connection instead of on every call (planning a pushdown query costs more than running
// it). The number of names is capped; beyond it, queries go unnamed.
const preparedNames = new Map<string, string>()

function prepared(target: Queryable): Queryable {
  return {
    query(sql, params) {
      if (params === undefined) return target.query(sql)
      let name = preparedNames.get(sql)
      if (name === undefined && preparedNames.size < 2000) {
        name = `weft_${preparedNames.size}`
        preparedNames.set(sql, name)
      }
      return name ? target.query({ name, text: sql, values: params } as never) : target.query(sql, params)
    },
  }
}

/**
 * The pool's queries, each on a connection that has run `setup` before its first one.
 * Not in the pool's 'connect' event: a query sent there overlaps the one the pool sends
 * next on the new connection, which pg deprecates (and pg 9 refuses). A startup option
 * (`-c plan_cache_mode=...`) would need no round trip, but connection poolers such as
 * PgBouncer refuse the connection for it.
 */
function setUpFirst(pool: any, setup: string): Queryable {
  const ready = new WeakSet<object>()
  return {
    async query(sql, params) {
      const client = await pool.connect()
      // A connection cut under a query (a reset socket) emits 'error' besides failing
      // the query; the pool listens only to idle connections, and unheard, that event
      // would end the process.
      const ignore = () => undefined
      client.on('error', ignore)
      try {
        if (!ready.has(client)) {
          await client.query(setup)
          ready.add(client)
        }
        const result = await client.query(sql, params)
        client.release()
        return result
      } catch (error) {
        // As pool.query does: a connection whose query failed is closed, not reused.
        client.release(error)
        throw error
      } finally {
        client.removeListener('error', ignore)
      }
    },
  }
}

/** Queries whose failures say "database unavailable" in Weft's words (see postgres-errors.ts). */
function translating(target: Queryable): Queryable {
  return {
    query: (sql, params) =>
      target.query(sql, params).catch((error: unknown) => {
        throw postgresFailure(error)
      }),
  }
}

class PostgresStore implements Store, PostgresHost {
  readonly kind = 'postgres' as const
  /** The pool, its errors translated; `#pool` is the pg.Pool itself. */
  readonly pool: Queryable
  readonly #pool: any
  /**
   * A second pool whose connections keep a generic plan for every prepared statement.
   * PostgreSQL otherwise plans a statement again on each call when its generic plan
   * looks costlier than a custom one, as it does for an index range under a LIMIT
   * (it assumes a range holds 0.5% of the rows): planning then costs more than running.
   * Only reads whose plan cannot depend on the values come here (see planOnce in
   * postgres-reads.ts); the rest keep PostgreSQL's choice.
   */
  readonly #planOnce: any
  readonly #planOnceQueries: Queryable
  readonly schema: string
  readonly channel: string
  readonly listener: ChangeListener
  readonly #collections = new Map<string, PostgresCollection>()
  readonly #context = new TransactionScope<Queryable>()
  readonly #undo = new Map<Queryable, (() => void)[]>()

  constructor(pool: any, planOnce: any, schema: string, connect: () => Promise<any>) {
    // An idle pooled connection that the server closes (a restart, a failover) emits
    // 'error'; the pool drops it and opens a new one when needed. Unhandled, that event
    // would end the process.
    pool.on('error', () => undefined)
    planOnce.on('error', () => undefined)
    this.#pool = pool
    this.#planOnce = planOnce
    this.#planOnceQueries = setUpFirst(planOnce, 'SET plan_cache_mode = force_generic_plan')
    this.pool = translating(pool)
    this.schema = schema
    this.channel = `weft:${schema}`
    this.listener = new ChangeListener(connect, schema, this.channel, {
      watching: (name) => (this.#collections.get(name)?.hub.size ?? 0) > 0,
      publish: (name, event, before) => this.#collections.get(name)?.hub.publish(event, before),
      fetch: (name, keys) => (this.collection(name) as PostgresCollection).fetch(keys),
      fail: (error) => {
        for (const collection of this.#collections.values()) collection.hub.fail(error)
      },
    })
  }

  collection(name: string): StoreCollection {
    let collection = this.#collections.get(name)
    if (!collection) {
      collection = new PostgresCollection(this, name)
      this.#collections.set(name, collection)
    }
    return collection
  }

  /** The transaction's client inside `transaction(fn)`, else the pool; statements prepared. */
  get db(): Queryable {
    return translating(prepared(this.#context.current ?? this.#pool))
  }

  get planOnceDb(): Queryable {
    return translating(prepared(this.#context.current ?? this.#planOnceQueries))
  }

  get changeFeed() {
    return this.listener.state
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  fence(): Promise<void> {
    return this.listener.fence(this.pool)
  }

  watching(): void {
    this.listener.want()
  }

  get feedStarting(): Promise<void> | null {
    return this.listener.starting
  }

  get inTransaction(): boolean {
    return this.#context.current !== undefined
  }

  /** Inside `transaction(fn)`: `undo` runs if it rolls back (to forget what it made). */
  afterRollback(undo: () => void): void {
    const client = this.#context.current
    if (client) this.#undo.get(client)?.push(undo)
  }

  /** BEGIN ... COMMIT on one pooled client; every operation inside `fn` runs on it. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn()
    const client = await this.#pool.connect().catch((error: unknown) => {
      throw postgresFailure(error)
    })
    // While checked out the pool does not listen: a connection lost between statements
    // must not become an unhandled 'error' event.
    let broken: unknown
    const onError = (error: unknown) => (broken = error)
    client.on('error', onError)
    try {
      this.#undo.set(client, [])
      await client.query('BEGIN')
      const result = await this.#context.run(client, fn)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch((failure: unknown) => (broken ??= failure))
      for (const undo of this.#undo.get(client) ?? []) undo()
      throw postgresFailure(error)
    } finally {
      this.#undo.delete(client)
      client.removeListener('error', onError)
      // A broken connection goes back with its error, so the pool closes it.
      client.release(broken)
    }
  }

  async close(): Promise<void> {
    for (const collection of this.#collections.values()) collection.hub.close()
    await this.listener.close()
    await Promise.all([this.#pool.end(), this.#planOnce.end()])
  }
}
