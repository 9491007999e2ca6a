// Unique indexes of one PostgreSQL collection, multikey like MongoDB's: the keys of
// unique-keys.ts live in a side table `<collection>.$unique` (idx, key, id), unique on
// (idx, sha256(key)) so a long key still fits a btree entry. Writes add and remove keys
// in their own statement (CTEs beside the row's), so a clash aborts the whole write, even
// between processes. Indexes are recorded in `$indexes` (index-records.ts) and read when
// the collection is first used, and again by every createIndex.

import { DuplicateKeyError } from '../errors.js'
import type { IndexSpec, StoredDocument } from '../store.js'
import { indexConflict, REGISTRY, type RecordedIndex, recordOf, sameIndex } from './index-records.js'
import { decodeDoc } from './json-codec.js'
import { quote } from './postgres-dialect.js'
import type { Queryable } from './postgres-host.js'
import { type KeyChange, keyChange, UniqueKeys } from './unique-keys.js'

export class PostgresUnique {
  readonly #schema: string
  readonly #name: string
  readonly #keys: string
  readonly registry: string
  #indexes: UniqueKeys[] = []

  constructor(schema: string, name: string) {
    this.#schema = schema
    this.#name = name
    this.#keys = `${quote(schema)}.${quote(`${name}.$unique`)}`
    this.registry = `${quote(schema)}.${quote(REGISTRY)}`
  }

  get active(): boolean {
    return this.#indexes.length > 0
  }

  registrySql(): string {
    return `CREATE TABLE IF NOT EXISTS ${this.registry} (seq BIGSERIAL, collection TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (collection, name))`
  }

  async recorded(db: Queryable): Promise<RecordedIndex[]> {
    const sql = `SELECT spec FROM ${this.registry} WHERE collection = $1 ORDER BY seq`
    // TEXT, not JSONB: JSONB would reorder the keys, and their order is the index's.
    return (await db.query(sql, [this.#name])).rows.map(
      (row) => JSON.parse(row.spec as string) as RecordedIndex,
    )
  }

  async load(db: Queryable): Promise<void> {
    const recorded = await this.recorded(db)
    this.#indexes = recorded.filter((index) => index.unique).map((index) => new UniqueKeys(index))
  }

  /**
   * Records `spec` inside the caller's transaction, one creator at a time; a unique index
   * first gets the keys of every document (writers wait: SHARE lock). False when the same
   * index is already recorded; throws when another index has that name.
   */
  async record(db: Queryable, table: string, spec: IndexSpec, name: string): Promise<boolean> {
    // One creator per schema at a time: they share the key hash function.
    await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.registry])
    const index = recordOf(spec, name)
    const existing = (await this.recorded(db)).find((other) => other.name === name)
    if (existing) {
      if (sameIndex(existing, index)) return false
      throw indexConflict(this.#name, name)
    }
    if (index.unique) await this.#build(db, table, new UniqueKeys(index))
    await db.query(`INSERT INTO ${this.registry} (collection, name, spec) VALUES ($1, $2, $3)`, [
      this.#name,
      name,
      JSON.stringify(index),
    ])
    return true
  }

  async drop(db: Queryable, name: string): Promise<void> {
    await db.query(`DELETE FROM ${this.registry} WHERE collection = $1 AND name = $2`, [this.#name, name])
    if (this.#indexes.some((index) => index.name === name))
      await db.query(`DELETE FROM ${this.#keys} WHERE idx = $1`, [name])
    await this.load(db)
  }

  change(before: StoredDocument | null, after: StoredDocument | null): KeyChange {
    return keyChange(this.#indexes, before, after)
  }

  /** A CTE adding keys: ids from `ids` ($n+2), or `idSql` for every key. */
  addSql(first: number, idSql?: string): string {
    const [idx, key, id] = [first, first + 1, first + 2]
    const source = idSql
      ? `SELECT r.idx, r.key, ${idSql} FROM unnest($${idx}::text[], $${key}::text[]) AS r(idx, key)`
      : `SELECT * FROM unnest($${idx}::text[], $${key}::text[], $${id}::text[])`
    return `, ka AS (INSERT INTO ${this.#keys} (idx, key, id) ${source} WHERE EXISTS (SELECT 1 FROM w))`
  }

  /** A CTE removing the keys `$first`/`$first+1` of the document `idSql`, if the write happened. */
  removeSql(first: number, idSql: string): string {
    return (
      `, kr AS (DELETE FROM ${this.#keys} k USING unnest($${first}::text[], $${first + 1}::text[]) AS r(idx, key) ` +
      `WHERE k.id = ${idSql} AND k.idx = r.idx AND k.key = r.key AND EXISTS (SELECT 1 FROM w))`
    )
  }

  /** A CTE removing every key of the rows a DELETE named `w` returned. */
  removeAllSql(): string {
    return `, kr AS (DELETE FROM ${this.#keys} WHERE id IN (SELECT _id FROM w))`
  }

  /** Takes away the removed keys of several changing documents at once, before any adds. */
  async removeMany(db: Queryable, changes: { change: KeyChange; id: string }[]): Promise<void> {
    const rows = changes.flatMap(({ change, id }) => change.removed.map((r) => [r.index, r.key, id]))
    if (rows.length === 0) return
    await db.query(
      `DELETE FROM ${this.#keys} k USING unnest($1::text[], $2::text[], $3::text[]) AS r(idx, key, id) ` +
        'WHERE k.idx = r.idx AND k.key = r.key AND k.id = r.id',
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
    )
  }

  /** The index and key a unique violation on the keys table names, among these documents; else null. */
  async clash(error: unknown, docs: StoredDocument[]): Promise<DuplicateKeyError | null> {
    const { code, constraint, detail } = error as { code?: string; constraint?: string; detail?: string }
    if (code !== '23505' || constraint !== this.#keyIndexName()) return null
    const index = this.#indexes.find((unique) => detail?.includes(`=(${unique.name}, \\x`))
    if (!index) return new DuplicateKeyError('unknown', {})
    const hash = /\\x([0-9a-f]+)\)/.exec(detail ?? '')?.[1]
    for (const doc of docs) {
      for (const key of index.keysOf(doc))
        if ((await sha256(key)) === hash) return new DuplicateKeyError(index.name, index.keyFields(doc))
    }
    return new DuplicateKeyError(index.name, docs.length === 1 ? index.keyFields(docs[0]) : {})
  }

  async #build(db: Queryable, table: string, index: UniqueKeys): Promise<void> {
    await db.query(
      `CREATE TABLE IF NOT EXISTS ${this.#keys} (idx TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL)`,
    )
    // convert_to is only STABLE (it takes an encoding name); with a constant one it is
    // immutable, which an index expression must be.
    const hash = `${quote(this.#schema)}.${quote('$key_hash')}`
    await db.query(
      `CREATE OR REPLACE FUNCTION ${hash}(text) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT sha256(convert_to($1, 'UTF8')) $$`,
    )
    await db.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS ${quote(this.#keyIndexName())} ON ${this.#keys} (idx, ${hash}(key))`,
    )
    await db.query(`CREATE INDEX IF NOT EXISTS ${quote(`${this.#name}.$unique.id`)} ON ${this.#keys} (id)`)
    await db.query(`LOCK TABLE ${table} IN SHARE MODE`)
    const rows = (await db.query(`SELECT _id, body FROM ${table}`)).rows
    const docs = rows.map((row) => decodeDoc(row.body as string))
    const keys = docs.flatMap((doc, i) => index.keysOf(doc).map((key) => [key, rows[i]._id as string]))
    const sql = `INSERT INTO ${this.#keys} (idx, key, id) SELECT $1, * FROM unnest($2::text[], $3::text[])`
    this.#indexes.push(index)
    try {
      await db.query(sql, [index.name, keys.map((k) => k[0]), keys.map((k) => k[1])])
    } catch (error) {
      throw (await this.clash(error, docs)) ?? error
    } finally {
      this.#indexes.pop()
    }
  }

  #keyIndexName(): string {
    return `${this.#name}.$unique.key`
  }
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}
