// What a collection declares besides its schema: `timestamps` (createdAt / updatedAt kept
// by every write) and `pre` / `post` hooks on insert, update and delete. Hooks run in the
// order declared, each awaited before the next; a `pre` hook that throws stops the write
// (nothing is written), a `post` hook runs after the write has landed.

import type { DeclaredIndex } from './declared-indexes.js'
import type { Filter, UpdateResult, UpdateSpec } from './store.js'

type Doc = Record<string, unknown>
type MaybePromise<T> = T | Promise<T>
type OneOrMany<F> = F | F[]

/** Before an update or replace: change `filter` or `update` in place to alter the write. */
export interface UpdateHookContext {
  filter: Filter
  /** The update document, or the replacement for `replaceOne`. */
  update: UpdateSpec
  kind: 'updateOne' | 'updateMany' | 'replaceOne'
}
export interface DeleteHookContext {
  filter: Filter
  kind: 'deleteOne' | 'deleteMany'
}

export interface CollectionHooks<T = Doc> {
  pre?: {
    /** Each document before it is validated and written; return a document to replace it. */
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing keeps the document
    insert?: OneOrMany<(doc: Doc) => MaybePromise<Doc | undefined | void>>
    update?: OneOrMany<(context: UpdateHookContext) => MaybePromise<void>>
    delete?: OneOrMany<(context: DeleteHookContext) => MaybePromise<void>>
  }
  post?: {
    /** Each document as written. */
    insert?: OneOrMany<(doc: T & { _id: unknown }) => MaybePromise<void>>
    update?: OneOrMany<(context: UpdateHookContext & { result: UpdateResult }) => MaybePromise<void>>
    delete?: OneOrMany<(context: DeleteHookContext & { deletedCount: number }) => MaybePromise<void>>
  }
}

export interface CollectionOptions<T = Doc> {
  /** Keep `createdAt` (set once) and `updatedAt` (every write) as Dates. */
  timestamps?: boolean
  /** Deletes set `deletedAt` instead of removing; reads and updates skip such documents. */
  softDelete?: boolean
  /** Reference fields and the collection they point to, for `populate`: `{ author: 'users' }`. */
  refs?: Record<string, string>
  /** Created once per Db before the first write: `[{ keys: { email: 1 }, unique: true }]`. */
  indexes?: DeclaredIndex[]
  hooks?: CollectionHooks<T>
}

const list = <F>(hooks: OneOrMany<F> | undefined): F[] =>
  hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]

/** Runs hooks one after another, in the order declared. */
export async function runHooks<A>(
  hooks: OneOrMany<(arg: A) => MaybePromise<unknown>> | undefined,
  arg: A,
): Promise<void> {
  for (const hook of list(hooks)) await hook(arg)
}

/** The pre-insert hooks over one document: each may return a replacement. */
export async function runInsertHooks(hooks: CollectionHooks['pre'], doc: Doc): Promise<Doc> {
  let current = doc
  for (const hook of list(hooks?.insert)) {
    const next = await hook(current)
    if (next !== undefined) current = next as Doc
  }
  return current
}

/** Timestamps on a new document: the ones it already has are kept. */
export function stampNew(doc: Doc, now: Date): Doc {
  return { ...doc, createdAt: doc.createdAt ?? now, updatedAt: doc.updatedAt ?? now }
}

/**
 * Timestamps on an update: `updatedAt` set, `createdAt` on an upsert insert, unless the
 * update itself writes them.
 */
export function stampUpdate(update: UpdateSpec, now: Date): UpdateSpec {
  const touches = (field: string) =>
    Object.values(update).some((fields) => typeof fields === 'object' && fields !== null && field in fields)
  const out: UpdateSpec = { ...update }
  if (!touches('updatedAt')) out.$set = { ...(update.$set as Doc | undefined), updatedAt: now }
  if (!touches('createdAt'))
    out.$setOnInsert = { ...(update.$setOnInsert as Doc | undefined), createdAt: now }
  return out
}

/** A schema may not declare the fields Weft keeps: they survive its validation all the same. */
export function keepFields(validated: Doc, written: Doc, fields: readonly string[]): Doc {
  const out = { ...validated }
  for (const field of fields) if (written[field] !== undefined) out[field] = written[field]
  return out
}

/** What a soft-deleting collection reads and updates: documents without `deletedAt`. */
export const NOT_DELETED: Filter = { deletedAt: { $exists: false } }

/** `filter` limited to documents not soft-deleted. */
export function notDeleted(filter: Filter): Filter {
  return Object.keys(filter).length === 0 ? NOT_DELETED : { $and: [filter, NOT_DELETED] }
}
