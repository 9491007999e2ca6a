// `$unwind`: one output document per element of an array field. A non-array value counts
// as a one-element array; null, missing and [] give nothing unless
// `preserveNullAndEmptyArrays`, and `includeArrayIndex` names a field for the position
// (null where there was no array).

import { QueryError } from '../../errors.js'
import { isPlainObject } from '../compare.js'
import { checkFieldName, getPath, splitPath } from '../paths.js'

type Doc = Record<string, unknown>

export function compileUnwind(spec: unknown): (doc: Doc) => Doc[] {
  const options = typeof spec === 'string' ? { path: spec } : spec
  if (!isPlainObject(options) || typeof options.path !== 'string' || !/^\$[^$]/.test(options.path))
    throw new QueryError(
      '$unwind needs a field path, e.g. { $unwind: "$tags" } or { $unwind: { path: "$tags" } }.',
    )
  const segments = splitPath(options.path.slice(1))
  const indexField = options.includeArrayIndex
  if (
    indexField !== undefined &&
    (typeof indexField !== 'string' || indexField === '' || indexField.startsWith('$'))
  )
    throw new QueryError('$unwind includeArrayIndex must be a field name.')
  if (indexField !== undefined) checkFieldName(indexField)
  const preserve = options.preserveNullAndEmptyArrays === true
  return (doc) => {
    const value = getPath(doc, segments)
    if (Array.isArray(value) && value.length > 0) {
      return value.map((item, i) => {
        const out = replaceAt(doc, segments, item, 0)
        if (indexField) out[indexField] = i
        return out
      })
    }
    if (value !== undefined && value !== null && !Array.isArray(value)) {
      const out = { ...doc }
      if (indexField) out[indexField] = null
      return [out]
    }
    if (!preserve) return []
    const out =
      value === undefined ? { ...doc } : Array.isArray(value) ? removeAt(doc, segments, 0) : { ...doc }
    if (indexField) out[indexField] = null
    return [out]
  }
}

function replaceAt(doc: Doc, segments: string[], value: unknown, start: number): Doc {
  const key = segments[start]
  const out = { ...doc }
  out[key] = start === segments.length - 1 ? value : replaceAt(doc[key] as Doc, segments, value, start + 1)
  return out
}

// An empty array kept by preserveNullAndEmptyArrays leaves the field out, as MongoDB does.
function removeAt(doc: Doc, segments: string[], start: number): Doc {
  const key = segments[start]
  const out = { ...doc }
  if (start === segments.length - 1) delete out[key]
  else out[key] = removeAt(doc[key] as Doc, segments, start + 1)
  return out
}
