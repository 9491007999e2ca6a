// Which `updateOne({ _id }, { $inc })` a SQL store may run as one statement, without
// reading the document first: what both stores ask before writing their own SQL (see
// `#incrementById` in sqlite-collection.ts and postgres-collection.ts).

import { comparePaths, isPlainObject } from '../query/index.js'
import type { Filter, UpdateOptions, UpdateSpec } from '../store.js'
import { pinnedId } from './sql-find.js'
import { sqlPath } from './sql-pushdown.js'
import type { Limit } from './writes.js'

/**
 * The `_id` column value and the fields with their whole, non-zero amounts, in the
 * engine's order (fields it adds go last in that order); null unless the update is one
 * document, by `_id`, only `$inc` of top-level fields, with no validation, upsert or
 * array filters.
 */
export function plainIncrement(
  filter: Filter,
  spec: UpdateSpec,
  options: UpdateOptions,
  limit: Limit,
): { id: string; fields: [string, number][] } | null {
  if (limit !== 1 || options.validate || options.upsert || options.arrayFilters) return null
  const id = pinnedId(filter)
  const inc = spec.$inc
  if (id === null || Object.keys(spec).length !== 1 || !isPlainObject(inc)) return null
  const fields = Object.entries(inc).sort(([a], [b]) => comparePaths([a], [b]))
  if (fields.length === 0) return null
  for (const [field, amount] of fields) {
    if (field === '_id' || sqlPath(field)?.length !== 1 || !Number.isSafeInteger(amount) || amount === 0)
      return null
  }
  return { id, fields: fields as [string, number][] }
}
