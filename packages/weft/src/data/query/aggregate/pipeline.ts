// Runs an aggregation pipeline over documents in memory: every stage is compiled once,
// then applied in order. Stores feed it the documents of the pushed-down prefix (see
// pushdown.ts); `$lookup` reads the other collection through `ForeignFind`.

import { QueryError } from '../../errors.js'
import type { Filter, SortSpec } from '../../store.js'
import { isPlainObject } from '../compare.js'
import { compileFilter } from '../match.js'
import { checkFieldName } from '../paths.js'
import { compileSort } from '../sort.js'
import { compileExpression } from './expression.js'
import type { Vars } from './expression-args.js'
import { compileGroup } from './stage-group.js'
import { compileLookup, type ForeignFind } from './stage-lookup.js'
import {
  compileAddFields,
  compileProject,
  compileReplaceRoot,
  compileUnset,
  type DocStage,
} from './stage-project.js'
import { compileUnwind } from './stage-unwind.js'

type Doc = Record<string, unknown>
type Base = Omit<Vars, 'CURRENT' | 'ROOT'>
// Stages take their input read-only and build new documents: the input may be a store's
// own objects (see in-place.ts). `owned`: the input documents are fresh copies no one
// else holds, which the stage may change instead of copying.
type Stage = (docs: readonly Doc[], base: Base, find: ForeignFind, owned: boolean) => Doc[] | Promise<Doc[]>

/** A pipeline stage: an object with exactly one `$stage` key. */
export function stageOf(stage: unknown, index: number): [string, unknown] {
  const keys = isPlainObject(stage) ? Object.keys(stage) : []
  if (keys.length !== 1 || !keys[0].startsWith('$'))
    throw new QueryError(
      `Pipeline stage ${index} must be an object with one $stage key, e.g. { $match: { done: false } }.`,
    )
  return [keys[0], (stage as Record<string, unknown>)[keys[0]]]
}

/** `owned`: `docs` are the caller's own fresh copies (a store's find), so the first stage may change them. */
export type CompiledPipeline = (docs: readonly Doc[], find: ForeignFind, owned?: boolean) => Promise<Doc[]>

/** `compilePipeline([{ $group: ... }])(docs, find)` -> the pipeline's output. */
export function compilePipeline(pipeline: unknown[], nested = false): CompiledPipeline {
  const stages = pipeline.map((stage, i) => compileStage(...stageOf(stage, i), nested))
  return async (docs, find, owned = false) => {
    const base: Base = { NOW: new Date() }
    if (stages.length === 0) return [...docs]
    let current = await stages[0](docs, base, find, owned)
    for (let i = 1; i < stages.length; i++) current = await stages[i](current, base, find, false)
    return current
  }
}

// One vars object for the whole stage, as in `$group`: expressions read it during the
// call and never keep it, and a fresh object per document costs more than the stage.
function perDocument(apply: DocStage): Stage {
  return (docs, base) => {
    const vars: Vars = { ...base, CURRENT: null, ROOT: null }
    return docs.map((doc) => {
      vars.CURRENT = doc
      vars.ROOT = doc
      return apply(doc, vars)
    })
  }
}

function count(name: string): Stage {
  return (docs) => (docs.length === 0 ? [] : [{ [name]: docs.length }])
}

function wholeNumber(op: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new QueryError(`${op} needs a whole number of ${min} or more, got ${JSON.stringify(value)}.`)
  return value
}

function compileStage(op: string, spec: unknown, nested: boolean): Stage {
  switch (op) {
    case '$match': {
      const matches = compileFilter(spec as Filter)
      return (docs) => docs.filter(matches)
    }
    case '$sort': {
      if (!isPlainObject(spec) || Object.keys(spec).length === 0)
        throw new QueryError('$sort needs at least one field.')
      const comparator = compileSort(spec as SortSpec)
      return (docs) => [...docs].sort(comparator)
    }
    case '$skip': {
      const skip = wholeNumber(op, spec, 0)
      return (docs) => docs.slice(skip)
    }
    case '$limit': {
      const limit = wholeNumber(op, spec, 1)
      return (docs) => docs.slice(0, limit)
    }
    case '$count':
      if (typeof spec !== 'string' || spec === '' || spec.startsWith('$') || spec.includes('.'))
        throw new QueryError('$count needs an output field name, e.g. { $count: "total" }.')
      checkFieldName(spec)
      return count(spec)
    case '$project':
      return perDocument(compileProject(spec, compileExpression))
    case '$addFields':
    case '$set':
      return perDocument(compileAddFields(spec, compileExpression, op))
    case '$unset':
      return perDocument(compileUnset(spec))
    case '$replaceRoot':
    case '$replaceWith':
      return perDocument(compileReplaceRoot(spec, compileExpression, op))
    case '$group':
      return compileGroup(spec, compileExpression)
    case '$unwind': {
      const unwind = compileUnwind(spec)
      return (docs) => docs.flatMap(unwind)
    }
    case '$lookup': {
      const lookup = compileLookup(spec)
      return (docs, _base, find, owned) => lookup(docs, find, owned)
    }
    case '$facet':
      if (nested) throw new QueryError('$facet cannot be used inside $facet.')
      return compileFacet(spec)
    default:
      throw new QueryError(
        `Unknown or unsupported pipeline stage ${op}. Supported: $match $project $addFields $set $unset ` +
          '$replaceRoot $replaceWith $group $sort $limit $skip $unwind $lookup $count $facet.',
        'WEFT_DATA_BAD_OPERATOR',
      )
  }
}

function compileFacet(spec: unknown): Stage {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0)
    throw new QueryError('$facet needs named pipelines, e.g. { $facet: { total: [{ $count: "n" }] } }.')
  const facets = Object.keys(spec).map((name) => {
    const pipeline = spec[name]
    if (name.startsWith('$') || name.includes('.') || !Array.isArray(pipeline))
      throw new QueryError(`$facet "${name}" needs a field name and a pipeline (an array of stages).`)
    return [name, compilePipeline(pipeline, true)] as const
  })
  return async (docs, _base, find) => {
    const out: Doc = {}
    for (const [name, run] of facets) out[name] = await run(docs, find)
    return [out]
  }
}
