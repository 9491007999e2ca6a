// The reshaping stages: `$project` (inclusion with computed fields, or exclusion),
// `$addFields`/`$set`, `$unset` and `$replaceRoot`/`$replaceWith`. A nested object
// that is not an operator (`{ a: { b: 1 } }`) means the dotted path `'a.b'`.

import { QueryError } from '../../errors.js'
import type { Projection } from '../../store.js'
import { isPlainObject } from '../compare.js'
import { ownField, splitPath } from '../paths.js'
import { compileProjection } from '../project.js'
import type { Compile, Evaluate, Vars } from './expression-args.js'

type Doc = Record<string, unknown>
export type DocStage = (doc: Doc, vars: Vars) => Doc

interface Node {
  [segment: string]: Node | true | Evaluate
}

/** `{ a: { b: 1, c: '$x' } }` -> `[['a.b', 1], ['a.c', '$x']]`; operator objects stay whole. */
function flatten(spec: Doc, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = []
  for (const key of Object.keys(spec)) {
    if (key.startsWith('$')) throw new QueryError(`Field names may not start with "$": "${key}".`)
    const value = spec[key]
    const path = prefix + key
    const keys = isPlainObject(value) ? Object.keys(value) : []
    if (isPlainObject(value) && keys.length > 0 && !keys[0].startsWith('$'))
      out.push(...flatten(value, `${path}.`))
    else out.push([path, value])
  }
  return out
}

const isFlag = (value: unknown) => typeof value === 'boolean' || typeof value === 'number'

export function compileProject(spec: unknown, compile: Compile): DocStage {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0)
    throw new QueryError('$project needs at least one field, e.g. { $project: { title: 1 } }.')
  const fields = flatten(spec)
  const excluded = fields.filter(([, value]) => isFlag(value) && !value)
  const excludesOnly =
    excluded.length === fields.length ||
    fields.every(([path, value]) => path === '_id' || (isFlag(value) && !value))
  if (excludesOnly && excluded.length > 0) {
    const projection = Object.fromEntries(excluded.map(([path]) => [path, 0])) as Projection
    const apply = compileProjection(projection)
    return (doc) => apply(doc)
  }
  const root: Node = {}
  let keepId = true
  for (const [path, value] of fields) {
    if (path === '_id' && isFlag(value)) {
      keepId = Boolean(value)
      continue
    }
    if (isFlag(value) && !value)
      throw new QueryError(
        `$project cannot exclude "${path}" while including other fields (only _id may be excluded).`,
      )
    insert(root, path, isFlag(value) ? true : compile(value))
  }
  if (keepId && !('_id' in root)) root._id = true
  return (doc, vars) => include(doc, root, vars)
}

function insert(root: Node, path: string, leaf: true | Evaluate): void {
  const segments = splitPath(path)
  let node = root
  segments.forEach((segment, i) => {
    const existing = ownField(node, segment)
    if (i === segments.length - 1) {
      if (existing !== undefined) throw new QueryError(`$project path collision at "${path}".`)
      node[segment] = leaf
    } else if (existing === undefined) node = node[segment] = {}
    else if (typeof existing === 'object') node = existing
    else throw new QueryError(`$project path collision at "${path}".`)
  })
}

function include(doc: Doc, node: Node, vars: Vars): Doc {
  const out: Doc = {}
  for (const key of Object.keys(doc)) {
    const rule = node[key]
    if (rule === true) out[key] = doc[key]
    else if (typeof rule === 'object') {
      const inner = includeValue(doc[key], rule, vars)
      if (inner !== undefined) out[key] = inner
    }
  }
  for (const key of Object.keys(node)) {
    const rule = node[key]
    if (typeof rule === 'function') {
      const value = rule(vars)
      if (value === undefined) delete out[key]
      else out[key] = value
    } else if (typeof rule === 'object' && !Object.hasOwn(out, key) && hasComputed(rule)) {
      out[key] = include({}, rule, vars)
    }
  }
  return out
}

function includeValue(value: unknown, node: Node, vars: Vars): unknown {
  if (Array.isArray(value)) {
    return value
      .filter((item) => isPlainObject(item) || Array.isArray(item))
      .map((item) => includeValue(item, node, vars))
  }
  return isPlainObject(value)
    ? include(value, node, vars)
    : hasComputed(node)
      ? include({}, node, vars)
      : undefined
}

function hasComputed(node: Node): boolean {
  return Object.values(node).some(
    (rule) => typeof rule === 'function' || (typeof rule === 'object' && hasComputed(rule)),
  )
}

/** `$addFields` / `$set`: each path gets its expression's value (missing removes it). */
export function compileAddFields(spec: unknown, compile: Compile, op: string): DocStage {
  if (!isPlainObject(spec))
    throw new QueryError(`${op} needs an object of fields, e.g. { ${op}: { total: 1 } }.`)
  const fields = flatten(spec).map(([path, value]) => [splitPath(path), compile(value)] as const)
  return (doc, vars) => {
    let out = doc
    for (const [segments, evaluate] of fields) out = setPath(out, segments, evaluate(vars), 0)
    return out
  }
}

// Copies along the path; into an array, every element gets the field (a non-document
// element becomes a document), as MongoDB does.
function setPath(doc: Doc, segments: readonly string[], value: unknown, start: number): Doc {
  const key = segments[start]
  const out = { ...doc }
  if (start === segments.length - 1) {
    if (value === undefined) delete out[key]
    else out[key] = value
    return out
  }
  const current = ownField(doc, key)
  const into = (item: unknown) => setPath(isPlainObject(item) ? item : {}, segments, value, start + 1)
  out[key] = Array.isArray(current) ? current.map(into) : into(current)
  return out
}

/** `$unset: 'a'` or `['a', 'b.c']`: an exclusion projection. */
export function compileUnset(spec: unknown): DocStage {
  const paths = typeof spec === 'string' ? [spec] : spec
  if (
    !Array.isArray(paths) ||
    paths.length === 0 ||
    paths.some((path) => typeof path !== 'string' || path === '')
  )
    throw new QueryError('$unset needs a field name or a list of them, e.g. { $unset: ["a", "b.c"] }.')
  const apply = compileProjection(Object.fromEntries(paths.map((path) => [path, 0])) as Projection)
  return (doc) => apply(doc)
}

/** `$replaceRoot: { newRoot: expr }` and `$replaceWith: expr`: the value must be a document. */
export function compileReplaceRoot(spec: unknown, compile: Compile, op: string): DocStage {
  let expr: unknown = spec
  if (op === '$replaceRoot') {
    if (!isPlainObject(spec) || !('newRoot' in spec))
      throw new QueryError('$replaceRoot needs { newRoot: expression }.')
    expr = spec.newRoot
  }
  const evaluate = compile(expr)
  return (_doc, vars) => {
    const value = evaluate(vars)
    if (!isPlainObject(value))
      throw new QueryError(
        `${op} needs its expression to give a document, got ${JSON.stringify(value) ?? 'missing'}.`,
      )
    return value
  }
}
