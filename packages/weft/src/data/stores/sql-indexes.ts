// Index naming and key reporting shared by the SQL stores. Names follow MongoDB
// (`email_1`, `a.b_1_c_-1`) so the same `createIndex` returns the same name everywhere.

import { QueryError } from '../errors.js'
import { getPath, splitPath } from '../query/index.js'
import type { IndexSpec, StoredDocument } from '../store.js'
import { sqlPath } from './sql-pushdown.js'

/** The indexed paths, checked: only plain names reach SQL text. */
export function indexPaths(spec: IndexSpec): string[] {
  const paths = Object.keys(spec.keys ?? {})
  if (paths.length === 0)
    throw new QueryError('An index needs at least one key, e.g. { keys: { email: 1 } }.')
  for (const path of paths) {
    if (path !== '_id' && !sqlPath(path)) {
      throw new QueryError(
        `Cannot index "${path}" in a SQL store: use dotted names made of letters, digits and _ (e.g. "profile.email").`,
      )
    }
    const direction = spec.keys[path]
    if (direction !== 1 && direction !== -1)
      throw new QueryError(`Index direction for "${path}" must be 1 or -1.`)
  }
  return paths
}

/** The key a document has in an index, for DuplicateKeyError; `paths` as in the index. */
export function uniqueKey(paths: string[], doc: StoredDocument): Record<string, unknown> {
  const key: Record<string, unknown> = {}
  for (const path of paths) key[path] = getPath(doc, splitPath(path)) ?? null
  return key
}

/** What a collection's indexes offer the planner, read from the database's catalog. */
export interface IndexCatalog {
  /** Sort directions per leading path (see `indexDirection` in sql-find.ts). */
  directions: Map<string, Set<1 | -1>>
  /** Path steps (`a`, `a.b`) with a partial index of the rows holding an array there. */
  arrayIndexed: Set<string>
  /** The table has its `unorderedIdsIndexName` index (a table made by an older version may not). */
  unorderedIds: boolean
}

/**
 * The partial index of the rows whose `_id` SQL cannot order as the engine does (each
 * store's `notPlainId`), made with the table: a sort ending with `_id` then asks it once
 * over the table instead of testing every candidate's id, which cost an unindexed sorted
 * scan of 10,000 documents a tenth of its time on PostgreSQL and a fifth on SQLite.
 */
export function unorderedIdsIndexName(collection: string): string {
  return `${collection}.$id.unordered`
}

/** The partial index that finds the rows holding an array at `step` (`a.b`). */
export function arrayIndexName(collection: string, step: string): string {
  return `${collection}.$array.${step}`
}

/** The step an index made by `arrayIndexName` covers, or null for any other index. */
export function arrayIndexStep(collection: string, index: string): string | null {
  const prefix = `${collection}.$array.`
  return index.startsWith(prefix) ? index.slice(prefix.length) : null
}
