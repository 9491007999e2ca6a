// The argument checks and small helpers of `Collection`: ids, field names, find options.

import { DataError, QueryError } from './errors.js'
import { objectId } from './objectid.js'
import { compileProjection, compileSort, containsDollarKey } from './query/index.js'
import type { DocId, FindOptions, StoredDocument } from './store.js'

type Doc = Record<string, unknown>

export async function sequential<A, B>(items: A[], fn: (item: A) => Promise<B>): Promise<B[]> {
  const out: B[] = []
  for (const item of items) out.push(await fn(item))
  return out
}

export function withId(doc: Doc): StoredDocument {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new QueryError('A document must be an object, e.g. { title: "Ship" }.')
  }
  checkFieldNames(doc)
  // `_id` first, then the fields in their order: one copy (the spread keeps `_id` where it is).
  if (doc._id !== undefined) {
    checkId(doc._id)
    return { _id: doc._id as DocId, ...doc }
  }
  const { _id: _unset, ...rest } = doc
  return { _id: objectId(), ...rest }
}

export function checkId(id: unknown): void {
  const ok = typeof id === 'string' ? id !== '' : typeof id === 'number' && Number.isFinite(id)
  if (!ok)
    throw new DataError(
      'WEFT_DATA_BAD_ID',
      `_id must be a non-empty string or a finite number, got ${JSON.stringify(id)}.`,
    )
}

// Stored field names never start with "$" (such a document could be read back as a query)
// and are never `__proto__` (containsDollarKey refuses it: see checkFieldName).
export function checkFieldNames(doc: Doc): void {
  if (containsDollarKey(doc)) {
    throw new DataError(
      'WEFT_DATA_BAD_FIELD',
      'Field names may not start with "$" (they would read as operators). Rename the field.',
    )
  }
}

export function checkFindOptions(options: FindOptions): void {
  for (const name of ['skip', 'limit'] as const) {
    const value = options[name]
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new QueryError(`${name} must be a whole number of 0 or more, got ${JSON.stringify(value)}.`)
    }
  }
  if (options.sort) compileSort(options.sort)
  compileProjection(options.projection)
}
