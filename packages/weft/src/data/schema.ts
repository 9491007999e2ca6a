// Runs a collection's Standard Schema (zod, valibot, arktype...) on a document and turns
// its issues into one ValidationError. The interface itself is shared with the HTTP core.

import type { StandardSchemaV1 } from '../schema/standard.js'
import { ValidationError, type ValidationIssue } from './errors.js'
import type { DocId, StoredDocument } from './store.js'

export type { StandardSchemaV1 }

/** The document type a schema describes, as read back from a collection. */
export type Infer<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : Record<string, unknown>
/** What a write accepts for a schema: its input type, `_id` optional. */
export type InferInput<S> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferInput<S>
  : Record<string, unknown>

/**
 * Validates `doc` and returns the schema's output with the same `_id` first. `_id` is
 * kept even when the schema does not declare it (zod objects strip unknown keys).
 */
export async function validateDocument(
  schema: StandardSchemaV1,
  collection: string,
  doc: StoredDocument,
): Promise<StoredDocument> {
  const result = await schema['~standard'].validate(doc)
  if (result.issues) throw new ValidationError(collection, result.issues.map(toIssue))
  const value = result.value as Record<string, unknown>
  const { _id: _declared, ...rest } = value
  return { _id: doc._id as DocId, ...rest }
}

function toIssue(issue: StandardSchemaV1.Issue): ValidationIssue {
  const path = (issue.path ?? []).map((segment) => {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment
    return typeof key === 'number' ? key : String(key)
  })
  return { message: issue.message, path }
}
