// `$lookup` in its equality form: `{ from, localField, foreignField, as }`. Batched: the
// local values of every input document go to the other collection in one `$in` query
// (or one scan of it past 1,000 distinct values), then each document gets the matching foreign documents in
// their natural order. Matching is MongoDB equality: arrays match by element, and a
// null or missing local value matches foreign documents where the field is null or missing.

import { QueryError } from '../../errors.js'
import { isPlainObject } from '../compare.js'
import { ownField, splitPath, valuesAtPath } from '../paths.js'
import { fieldPath } from './expression-args.js'
import { groupKey } from './stage-group.js'

type Doc = Record<string, unknown>
/** Reads documents of another collection: `find(filter)` in natural order. */
export type ForeignFind = (collection: string, filter: Record<string, unknown>) => Promise<Doc[]>

const BATCH = 1000
const NAME = /^[A-Za-z0-9_.-]{1,120}$/

export function compileLookup(
  spec: unknown,
): (docs: readonly Doc[], find: ForeignFind, owned: boolean) => Promise<Doc[]> {
  if (!isPlainObject(spec)) throw new QueryError('$lookup needs { from, localField, foreignField, as }.')
  const { from, localField, foreignField, as } = spec
  if ('pipeline' in spec || 'let' in spec)
    throw new QueryError(
      '$lookup with a pipeline is not supported; use { from, localField, foreignField, as }.',
    )
  for (const [name, value] of Object.entries({ localField, foreignField, as })) {
    if (typeof value !== 'string' || value === '' || value.startsWith('$'))
      throw new QueryError(`$lookup ${name} must be a field name, e.g. "authorId".`)
  }
  if (typeof from !== 'string' || !NAME.test(from) || from.startsWith('.'))
    throw new QueryError('$lookup from must be a collection name.')
  const local = splitPath(localField as string)
  const foreign = splitPath(foreignField as string)
  const target = splitPath(as as string)
  return async (docs, find, owned) => {
    // Documents no one else holds take the field in place: copying each cost as much as
    // reading it. A nested `as` copies its path as before.
    const set =
      owned && target.length === 1
        ? (doc: Doc, value: unknown) => {
            doc[target[0]] = value
            return doc
          }
        : (doc: Doc, value: unknown) => setField(doc, target, value)
    const localValues = docs.map((doc) => localKeys(fieldPath(doc, local)))
    const wanted = new Map<string, unknown>()
    for (const values of localValues) for (const value of values) wanted.set(groupKey(value), value ?? null)
    const all = [...wanted.values()]
    // Past BATCH distinct values one scan of the other collection beats a huge $in.
    const found = await find(from, all.length > BATCH ? {} : { [foreignField as string]: { $in: all } })
    const byKey = new Map<string, Doc[]>()
    for (const doc of found) for (const key of foreignKeys(doc, foreign)) push(byKey, key, doc)
    let order: Map<Doc, number> | undefined
    return docs.map((doc, i) => {
      const values = localValues[i]
      // One value (the usual case): its list is already in natural order, once each.
      if (values.length === 1) return set(doc, [...(byKey.get(groupKey(values[0])) ?? [])])
      order ??= new Map(found.map((doc, i) => [doc, i]))
      const matches = new Set<Doc>()
      for (const value of values) for (const match of byKey.get(groupKey(value)) ?? []) matches.add(match)
      const list = [...matches].sort((a, b) => (order?.get(a) ?? 0) - (order?.get(b) ?? 0))
      return set(doc, list)
    })
  }
}

function localKeys(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.length === 0 ? [null] : value
  return [value ?? null]
}

// Every value a foreign document is equal to on the path: each element and the whole array.
function foreignKeys(doc: Doc, segments: string[]): Set<string> {
  const keys = new Set<string>()
  for (const value of valuesAtPath(doc, segments)) keys.add(groupKey(value ?? null))
  const whole = fieldPath(doc, segments)
  if (Array.isArray(whole)) keys.add(groupKey(whole))
  return keys
}

function push(map: Map<string, Doc[]>, key: string, doc: Doc): void {
  const list = map.get(key)
  if (!list) map.set(key, [doc])
  else list.push(doc)
}

function setField(doc: Doc, segments: string[], value: unknown, at = 0): Doc {
  const head = segments[at]
  const inner = ownField(doc, head)
  const set =
    at === segments.length - 1 ? value : setField(isPlainObject(inner) ? inner : {}, segments, value, at + 1)
  return { ...doc, [head]: set }
}
