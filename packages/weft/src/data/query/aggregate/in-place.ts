// Running a pipeline over a store's own documents (the memory store's) instead of a copy
// of each. Safe because the engine never changes what it reads: every stage and
// expression builds new documents and arrays (copy on write), which a test holds it to
// over frozen documents. What comes out may still hold stored objects (a `$match` alone,
// `$push: '$$ROOT'`, `$first` of a subdocument, a grouped `_id` that is a document), so
// the output is copied instead of the input: far less work when a `$group` folds
// thousands of documents into a few, and never more than copying the input when no
// stage can multiply documents.

import { isPlainObject } from '../compare.js'
import { stageOf } from './pipeline.js'

type Doc = Record<string, unknown>

/** Stages whose output is built from groups: small, whatever came before. */
const FOLDING = new Set(['$group', '$count'])
/** Stages whose output can outgrow their input: many documents from one, or foreign ones. */
const GROWING = new Set(['$unwind', '$lookup', '$facet'])

/** True when copying the output of `pipeline` costs less than copying its input. */
export function readsInPlace(pipeline: unknown[]): boolean {
  const ops = pipeline.map((stage, i) => stageOf(stage, i)[0])
  return ops.some((op) => FOLDING.has(op)) || !ops.some((op) => GROWING.has(op))
}

/** A deep copy of what leaves the pipeline, so no caller can reach a stored object. */
export function copyOut(docs: Doc[]): Doc[] {
  return docs.map((doc) => copyValue(doc) as Doc)
}

// Like the stores' `cloneValue`, but a field set to undefined stays set: the output is
// exactly what the engine gave, only detached.
function copyValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyValue)
  if (value instanceof Date) return new Date(value.getTime())
  if (!isPlainObject(value)) return value
  const copy: Doc = {}
  for (const key of Object.keys(value)) copy[key] = copyValue(value[key])
  return copy
}
