// Projections as MongoDB applies them: either an inclusion list (only these fields, plus
// `_id` unless `_id: 0`) or an exclusion list (everything but these); never both, except
// that `_id` may be excluded from an inclusion. Dotted paths reach into arrays of documents.

import { QueryError } from '../errors.js'
import type { Projection } from '../store.js'
import { isPlainObject } from './compare.js'
import { ownField, splitPath } from './paths.js'

type Doc = Record<string, unknown>
interface Tree {
  [segment: string]: Tree | true
}

/** `compileProjection({ title: 1 })(doc)` -> `{ _id, title }`. */
export function compileProjection(projection: Projection | undefined): (doc: Doc) => Doc {
  if (projection === undefined) return (doc) => doc
  if (!isPlainObject(projection)) throw new QueryError('A projection must be an object, e.g. { title: 1 }.')
  const fields = Object.keys(projection)
  const wanted = (path: string) => {
    const flag = projection[path]
    if (typeof flag !== 'number' && typeof flag !== 'boolean') {
      throw new QueryError(`Projection value for "${path}" must be 1, 0, true or false.`)
    }
    return Boolean(flag)
  }
  const included = fields.filter((path) => path !== '_id' && wanted(path))
  const excluded = fields.filter((path) => path !== '_id' && !wanted(path))
  if (included.length > 0 && excluded.length > 0) {
    throw new QueryError(
      `A projection cannot mix inclusion (${included.join(', ')}) and exclusion (${excluded.join(', ')}). ` +
        'List only the fields to keep, or only the fields to drop.',
    )
  }
  const keepId = !('_id' in projection) || wanted('_id')
  if (included.length > 0) {
    const tree = buildTree(keepId ? ['_id', ...included] : included)
    return (doc) => include(doc, tree)
  }
  const tree = buildTree(keepId ? excluded : ['_id', ...excluded])
  return (doc) => exclude(doc, tree)
}

function buildTree(paths: string[]): Tree {
  const root: Tree = {}
  for (const path of paths) {
    const segments = splitPath(path)
    let node = root
    segments.forEach((segment, i) => {
      const existing = ownField(node, segment)
      if (existing === true) throw new QueryError(`Projection path collision at "${path}".`)
      if (i === segments.length - 1) {
        if (existing !== undefined) throw new QueryError(`Projection path collision at "${path}".`)
        node[segment] = true
      } else node = node[segment] = existing ?? {}
    })
  }
  return root
}

// A rule is `true` or a subtree. Whatever else `tree[key]` finds is inherited (a field
// named `constructor` finds Object's function) and is no rule: cheaper than `hasOwn`.
function include(doc: Doc, tree: Tree): Doc {
  const out: Doc = {}
  for (const key of Object.keys(doc)) {
    const node = tree[key]
    if (node === true) out[key] = doc[key]
    else if (typeof node === 'object') {
      const inner = includeValue(doc[key], node)
      if (inner !== undefined) out[key] = inner
    }
  }
  return out
}

function includeValue(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value)) {
    return value
      .filter((item) => isPlainObject(item) || Array.isArray(item))
      .map((item) => includeValue(item, tree))
  }
  return isPlainObject(value) ? include(value, tree) : undefined
}

function exclude(doc: Doc, tree: Tree): Doc {
  const out: Doc = {}
  for (const key of Object.keys(doc)) {
    const node = tree[key]
    if (node === true) continue
    out[key] = typeof node === 'object' ? excludeValue(doc[key], node) : doc[key]
  }
  return out
}

function excludeValue(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value)) return value.map((item) => excludeValue(item, tree))
  return isPlainObject(value) ? exclude(value, tree) : value
}
