// The indexes weft/data made, as every store lists them (`listIndexes`). The SQL stores
// record them in a `$indexes` table (one row per collection and index name, the spec as
// JSON): the truth `db.indexDiff()` compares the declared indexes with, and how a
// collection learns, at first use, which unique indexes its writes must keep keys for.
// `$` cannot start a collection name, so the table never clashes with one.

import { QueryError } from '../errors.js'
import type { IndexInfo, IndexSpec } from '../store.js'

/** The registry table, unqualified (PostgreSQL puts it in the store's schema). */
export const REGISTRY = '$indexes'
export const REGISTRY_TABLE = `"${REGISTRY}"`

/** An index as recorded: its name, keys and options. */
export type RecordedIndex = IndexInfo

/** The record of `spec`, named `name`. */
export function recordOf(spec: IndexSpec, name: string): RecordedIndex {
  const index: RecordedIndex = { name, keys: spec.keys, unique: spec.unique === true }
  if (spec.expireAfterSeconds !== undefined) index.expireAfterSeconds = spec.expireAfterSeconds
  return index
}

/** The error for a second index under a name in use. */
export function indexConflict(collection: string, name: string): QueryError {
  return new QueryError(
    `An index named "${name}" already exists on "${collection}" with other keys or options; drop it first (dropIndex).`,
    'WEFT_DATA_INDEX_CONFLICT',
  )
}

/** Same keys in the same order, same options. */
export function sameIndex(a: RecordedIndex, b: RecordedIndex): boolean {
  return (
    JSON.stringify(Object.entries(a.keys)) === JSON.stringify(Object.entries(b.keys)) &&
    a.unique === b.unique &&
    a.expireAfterSeconds === b.expireAfterSeconds
  )
}
