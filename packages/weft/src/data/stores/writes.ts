// The write methods every store collection shares, in one shape: updateOne, updateMany and
// replaceOne become one `update(filter, options, limit, change, spec)`, deleteOne and
// deleteMany one `delete(filter, limit)`. A store implements those two.
import { UpdateError } from '../errors.js'
import { applyUpdate, valuesEqual } from '../query/index.js'
import { cloneValue } from '../query/write-path.js'
import type { DocId, Filter, StoredDocument, UpdateOptions, UpdateResult, UpdateSpec } from '../store.js'

/** A replacement document: its `_id`, if any, must be the matched one's. */
export type ReplaceDoc = Omit<StoredDocument, '_id'> & { _id?: DocId }

/** The new version of one matched document. */
export type DocumentChange = (before: StoredDocument) => StoredDocument

/** 1: the first match only; 0: every match. */
export type Limit = 0 | 1

export abstract class StoreWrites {
  updateOne(filter: Filter, update: UpdateSpec, options: UpdateOptions): Promise<UpdateResult> {
    return this.update(filter, options, 1, (doc) => applyUpdate(doc, update), update)
  }

  updateMany(filter: Filter, update: UpdateSpec, options: UpdateOptions): Promise<UpdateResult> {
    return this.update(filter, options, 0, (doc) => applyUpdate(doc, update), update)
  }

  replaceOne(filter: Filter, doc: ReplaceDoc, options: UpdateOptions): Promise<UpdateResult> {
    return this.update(filter, options, 1, replacing(doc), doc)
  }

  deleteOne(filter: Filter): Promise<number> {
    return this.delete(filter, 1)
  }

  deleteMany(filter: Filter): Promise<number> {
    return this.delete(filter, 0)
  }

  /**
   * Applies `change` to the matched documents (or inserts the upsert `spec` builds when
   * none match and `options.upsert` is set), validating each with `options.validate`.
   */
  protected abstract update(
    filter: Filter,
    options: UpdateOptions,
    limit: Limit,
    change: DocumentChange,
    spec: UpdateSpec,
  ): Promise<UpdateResult>

  /** Deletes the matched documents; resolves with how many. */
  protected abstract delete(filter: Filter, limit: Limit): Promise<number>
}

function replacing(doc: ReplaceDoc): DocumentChange {
  const { _id: id, ...fields } = doc
  return (before) => {
    if (id !== undefined && !valuesEqual(id, before._id)) throw immutableId()
    return { _id: before._id, ...cloneValue(fields) } as StoredDocument
  }
}

export function immutableId(): UpdateError {
  return new UpdateError(
    'The _id of a document cannot change (it is immutable). Insert a new document and delete the old one instead.',
  )
}
