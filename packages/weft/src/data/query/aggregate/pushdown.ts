// The leading `$match` / `$sort` / `$skip` / `$limit` stages of a pipeline become one
// `find(filter, { sort, skip, limit })` on the store, so SQL stores answer them with
// their indexes and the engine only sees what is left. Stages are folded only while the
// result stays the same: a `$match` commutes with a `$sort` but not with a `$skip` or
// `$limit`, and a `$sort` after a page changes which documents are in it.

import type { Filter, FindOptions, GroupPage, SortSpec } from '../../store.js'
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
 * The `$sort` and `$limit` right after a `$group`, which a store answering the group may
 * apply too (the engine applies them again, a no-op on groups already kept and ordered).
 */
export function groupPage(after: unknown[]): GroupPage | undefined {
  const [first, second] = after.slice(0, 2).map((stage, i) => stageOf(stage, i))
  if (first?.[0] === '$limit') return { limit: first[1] as number }
  if (first?.[0] !== '$sort') return undefined
  const sort = first[1] as SortSpec
  return second?.[0] === '$limit' ? { sort, limit: second[1] as number } : { sort }
}
