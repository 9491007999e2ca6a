// Unique indexes of one SQLite collection, multikey like MongoDB's: the keys of
// unique-keys.ts live in a side table `<collection>.$unique` whose primary key is
// (idx, key), so a clash is refused by SQLite itself, inside the write's transaction.
// The indexes a collection has are recorded in the `$indexes` table (see index-records.ts),
// read when the collection is first used.

import { DuplicateKeyError } from '../errors.js'
import type { IndexSpec, StoredDocument } from '../store.js'
import { indexConflict, REGISTRY_TABLE, type RecordedIndex, recordOf, sameIndex } from './index-records.js'
import { decodeDoc } from './json-codec.js'
import type { SqliteConnection } from './sqlite-driver.js'
import { type KeyChange, keyChange, UniqueKeys } from './unique-keys.js'

export class SqliteUnique {
  readonly #db: () => SqliteConnection
  readonly #name: string
  readonly #keys: string
  #indexes: UniqueKeys[] = []

  constructor(db: () => SqliteConnection, name: string) {
    this.#db = db
    this.#name = name
    this.#keys = quoteIdentifier(`${name}.$unique`)
  }

  /** True when writes must keep keys (the collection has a unique index). */
  get active(): boolean {
    return this.#indexes.length > 0
  }

  /** Reads the recorded indexes (at first use; another process may have made some). */
  load(): void {
    this.#db().exec(
      `CREATE TABLE IF NOT EXISTS ${REGISTRY_TABLE} (collection TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (collection, name))`,
    )
    this.#indexes = this.recorded()
      .filter((index) => index.unique)
      .map((index) => new UniqueKeys(index))
  }

  recorded(): RecordedIndex[] {
    const rows = this.#db()
      .statement(`SELECT spec FROM ${REGISTRY_TABLE} WHERE collection = ? ORDER BY rowid`)
      .all([this.#name])
    return rows.map((row) => JSON.parse(String(row.spec)) as RecordedIndex)
  }

  /**
   * Records `spec` (named `name`); for a unique index, builds its keys from every document
   * first, refusing duplicates. Runs inside the caller's write transaction. False when the
   * same index is already recorded; throws when another index has that name.
   */
  record(spec: IndexSpec, name: string): boolean {
    const index = recordOf(spec, name)
    const existing = this.recorded().find((other) => other.name === name)
    if (existing) {
      if (sameIndex(existing, index)) return false
      throw indexConflict(this.#name, name)
    }
    if (index.unique) this.#build(new UniqueKeys(index))
    this.#db()
      .statement(`INSERT INTO ${REGISTRY_TABLE} (collection, name, spec) VALUES (?, ?, ?)`)
      .run([this.#name, name, JSON.stringify(index)])
    return true
  }

  /** Forgets a recorded index and its keys. */
  drop(name: string): void {
    this.#db()
      .statement(`DELETE FROM ${REGISTRY_TABLE} WHERE collection = ? AND name = ?`)
      .run([this.#name, name])
    if (this.#indexes.some((index) => index.name === name)) {
      this.#db().statement(`DELETE FROM ${this.#keys} WHERE idx = ?`).run([name])
      this.#indexes = this.#indexes.filter((index) => index.name !== name)
    }
  }

  /** Keeps the keys of one document that changes (`before` or `after` null: inserted, deleted). */
  change(before: StoredDocument | null, after: StoredDocument | null): KeyChange {
    return keyChange(this.#indexes, before, after)
  }

  remove(change: KeyChange, id: string): void {
    if (change.removed.length === 0) return
    const remove = this.#db().statement(`DELETE FROM ${this.#keys} WHERE idx = ? AND key = ? AND id = ?`)
    for (const { index, key } of change.removed) remove.run([index, key, id])
  }

  add(change: KeyChange, id: string, doc: StoredDocument): void {
    if (change.added.length === 0) return
    const add = this.#db().statement(`INSERT INTO ${this.#keys} (idx, key, id) VALUES (?, ?, ?)`)
    for (const { index, key } of change.added) {
      try {
        add.run([index, key, id])
      } catch (error) {
        if (!String(error).includes('UNIQUE constraint failed')) throw error
        const clash = this.#indexes.find((unique) => unique.name === index)!
        throw new DuplicateKeyError(index, clash.keyFields(doc))
      }
    }
  }

  /** Takes away every key of a deleted document. */
  removeAll(id: string): void {
    if (this.active) this.#db().statement(`DELETE FROM ${this.#keys} WHERE id = ?`).run([id])
  }

  #build(index: UniqueKeys): void {
    const db = this.#db()
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${this.#keys} (idx TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (idx, key))`,
    )
    db.exec(`CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${this.#name}.$unique.id`)} ON ${this.#keys} (id)`)
    this.#indexes.push(index)
    try {
      const rows = db.statement(`SELECT _id, doc FROM ${quoteIdentifier(this.#name)}`).all([])
      for (const row of rows) {
        const doc = decodeDoc(String(row.doc))
        this.add(
          { removed: [], added: index.keysOf(doc).map((key) => ({ index: index.name, key })) },
          String(row._id),
          doc,
        )
      }
    } catch (error) {
      this.#indexes.pop()
      throw error
    }
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
