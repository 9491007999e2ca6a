// The PostgreSQL store: a `pg.Pool`, one table per collection, expression indexes on
// `doc #> '{a,b}'`, transactions on one pooled client, and a change feed over
// LISTEN/NOTIFY that sees every process's writes. Node-only (AsyncLocalStorage routes a
// transaction's operations to its client).
//
// Table: `seq BIGSERIAL` (insertion order, the natural order of find), `_id TEXT PRIMARY
// KEY` (the JSON form of the id), `doc JSONB` (what SQL queries and indexes read) and
// `body TEXT` (the document as written: JSONB reorders keys, MongoDB keeps them, and key
// order decides equality and sorting of embedded documents).

import { AsyncLocalStorage } from 'node:async_hooks'
import { DataError } from '../errors.js'
import type { Store, StoreCollection, StoreFactory } from '../store.js'
import { ChangeListener } from './postgres-changes.js'
import {
  ignoreRace,
  PostgresCollection,
  type PostgresHost,
  type Queryable,
  quote,
} from './postgres-collection.js'

/** `postgres://user@host:5432/db?schema=app` (schema defaults to `public`). */
export const createStore: StoreFactory = async (url) => {
  const { connectionString, schema } = parsePostgresUrl(String(url))
  const pg = await loadPg()
  const pool = new pg.Pool({ connectionString })
  const store = new PostgresStore(pool, schema, () => connectClient(pg, connectionString))
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`).catch(ignoreRace)
    await store.listener.start()
  } catch (error) {
    await pool.end()
    throw error
  }
  return store
}

function parsePostgresUrl(url: string): { connectionString: string; schema: string } {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new DataError('WEFT_DATA_BAD_URL', `"${url}" is not a URL. Use postgres://user@host:5432/database.`)
  }
  const schema = parsed.searchParams.get('schema') ?? 'public'
  parsed.searchParams.delete('schema')
  return { connectionString: parsed.toString(), schema }
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

async function connectClient(pg: any, connectionString: string): Promise<any> {
  const client = new pg.Client({ connectionString })
  await client.connect()
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

class PostgresStore implements Store, PostgresHost {
  readonly kind = 'postgres' as const
  readonly pool: any
  readonly schema: string
  readonly channel: string
  readonly listener: ChangeListener
  readonly #collections = new Map<string, PostgresCollection>()
  readonly #context = new AsyncLocalStorage<Queryable>()

  constructor(pool: any, schema: string, connect: () => Promise<any>) {
    this.pool = pool
    this.schema = schema
    this.channel = `weft:${schema}`
    this.listener = new ChangeListener(connect, this.channel, {
      watching: (name) => (this.#collections.get(name)?.hub.size ?? 0) > 0,
      publish: (name, event, before) => this.#collections.get(name)?.hub.publish(event, before),
      fetch: (name, keys) => (this.collection(name) as PostgresCollection).fetch(keys),
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
    return prepared(this.#context.getStore() ?? this.pool)
  }

  get inTransaction(): boolean {
    return this.#context.getStore() !== undefined
  }

  /** BEGIN ... COMMIT on one pooled client; every operation inside `fn` runs on it. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn()
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const result = await this.#context.run(client, fn)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  async close(): Promise<void> {
    for (const collection of this.#collections.values()) collection.hub.close()
    await this.listener.close()
    await this.pool.end()
  }
}
