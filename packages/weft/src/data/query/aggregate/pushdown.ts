// The leading `$match` / `$sort` / `$skip` / `$limit` stages of a pipeline become one
// `find(filter, { sort, skip, limit })` on the store, so SQL stores answer them with
// their indexes and the engine only sees what is left. Stages are folded only while the
// result stays the same: a `$match` commutes with a `$sort` but not with a `$skip` or
// `$limit`, and a `$sort` after a page changes which documents are in it.

import type { Filter, FindOptions, GroupStages, SortSpec } from '../../store.js'
import { isPlainObject } from '../compare.js'
import { splitPath } from '../paths.js'
import { stageOf } from './pipeline.js'

export interface PipelineSplit {
  filter: Filter
  options: FindOptions
  /** The stages the engine still runs, in order. */
  rest: unknown[]
}

export function splitPipeline(pipeline: unknown[]): PipelineSplit {
  const filters: Filter[] = []
  const options: FindOptions = {}
  let index = 0
  for (; index < pipeline.length; index++) {
    const [op, spec] = stageOf(pipeline[index], index)
    const paged = options.skip !== undefined || options.limit !== undefined
    if (op === '$match' && !paged) filters.push(spec as Filter)
    else if (op === '$sort' && !paged && options.sort === undefined) options.sort = spec as SortSpec
    else if (op === '$skip' && options.limit === undefined)
      options.skip = (options.skip ?? 0) + (spec as number)
    else if (op === '$limit')
      options.limit = Math.min(options.limit ?? Number.POSITIVE_INFINITY, spec as number)
    else break
  }
  const filter = filters.length === 0 ? {} : filters.length === 1 ? filters[0] : { $and: filters }
  return { filter, options, rest: pipeline.slice(index) }
}

/**
 * A `$group` at the head of what the engine runs, maybe after a plain `$unwind` (no
 * options), with the `$sort` and `$limit` right after it: the stages a store answering
 * groups may take with it (the engine applies the sort and limit again, a no-op on groups
 * already kept and ordered). `after`: the stages after the group.
 */
export function splitGroup(
  rest: unknown[],
): { spec: unknown; stages: GroupStages; after: unknown[] } | undefined {
  const unwind = rest.length > 1 ? plainUnwind(rest[0]) : undefined
  const at = unwind ? 1 : 0
  const [op, spec] = rest.length > at ? stageOf(rest[at], at) : []
  if (op !== '$group') return undefined
  const after = rest.slice(at + 1)
  const stages: GroupStages = unwind ? { unwind } : {}
  const [first, second] = after.slice(0, 2).map((stage, i) => stageOf(stage, i))
  if (first?.[0] === '$sort') {
    stages.sort = first[1] as SortSpec
    if (second?.[0] === '$limit') stages.limit = second[1] as number
  } else if (first?.[0] === '$limit') stages.limit = first[1] as number
  return { spec, stages, after }
}

/** The path segments of `{ $unwind: '$a.b' }` or `{ $unwind: { path: '$a.b' } }`, nothing else. */
function plainUnwind(stage: unknown): string[] | undefined {
  const [op, spec] = stageOf(stage, 0)
  if (op !== '$unwind') return undefined
  const path =
    typeof spec === 'string'
      ? spec
      : isPlainObject(spec) && Object.keys(spec).length === 1
        ? spec.path
        : undefined
  return typeof path === 'string' && /^\$[^$]/.test(path) ? splitPath(path.slice(1)) : undefined
}
