// `populate`: replaces reference ids with the documents they name, in Mongoose's sense.
// References are declared with the collection (`refs: { author: 'users' }`); a find
// asks for some of them (`populate: ['author']` or `{ author: { name: 1 } }` with a
// projection). Batched: one query per referenced collection for the whole result, with
// `_id: { $in: [...] }`, never one per document. A single id whose document is gone
// becomes null; in an array of ids, missing documents are left out (as Mongoose does).

import { QueryError } from './errors.js'
import { groupKey } from './query/aggregate/stage-group.js'
import { isPlainObject } from './query/compare.js'
import { splitPath } from './query/paths.js'
import { compileProjection } from './query/project.js'
import { MAX_OPERATOR_LIST } from './query/validate.js'
import type { Projection } from './store.js'

type Doc = Record<string, unknown>

/** What a find asks to populate: paths, or paths with the projection of the referenced documents. */
export type PopulateOption = string | string[] | Record<string, Projection | 1 | true>

interface Wanted {
  path: string[]
  collection: string
  project: (doc: Doc) => Doc
}

/** Reads documents of a collection by id (one query). */
export type FindByIds = (collection: string, ids: unknown[]) => Promise<Doc[]>

/** Checks the option against the declared refs, up front. */
export function planPopulate(option: PopulateOption, refs: Record<string, string> = {}): Wanted[] {
  const entries: [string, Projection | undefined][] =
    typeof option === 'string'
      ? [[option, undefined]]
      : Array.isArray(option)
        ? option.map((path) => [path, undefined])
        : Object.entries(option).map(([path, projection]) => [
            path,
            isPlainObject(projection) ? projection : undefined,
          ])
  return entries.map(([path, projection]) => {
    const collection = refs[path]
    if (typeof collection !== 'string') {
      const declared = Object.keys(refs)
      throw new QueryError(
        `Cannot populate "${path}": declare it with the collection, e.g. { refs: { ${path}: 'users' } }` +
          (declared.length > 0 ? ` (declared: ${declared.join(', ')}).` : '.'),
      )
    }
    const keep =
      projection && Object.values(projection).some((flag) => Boolean(flag))
        ? { ...projection, _id: 1 }
        : projection
    return { path: splitPath(path), collection, project: compileProjection(keep as Projection | undefined) }
  })
}

/**
 * `docs` are the caller's fresh copies (a store's find): each takes its populated
 * top-level fields in place, as copying a document cost as much as reading it. Anything
 * deeper is copied along its path, since a populated document may be shared.
 */
export async function populate(docs: Doc[], wanted: Wanted[], findByIds: FindByIds): Promise<Doc[]> {
  if (docs.length === 0 || wanted.length === 0) return docs
  const byCollection = new Map<string, Map<string, unknown>>()
  for (const { path, collection } of wanted) {
    const ids = byCollection.get(collection) ?? new Map<string, unknown>()
    for (const doc of docs) visitIds(doc, path, (id) => ids.set(groupKey(id), id))
    byCollection.set(collection, ids)
  }
  const found = new Map<string, Map<string, Doc>>()
  for (const [collection, ids] of byCollection) {
    // One query per collection, split only past the operator-list limit.
    const all = [...ids.values()]
    const list: Doc[] = []
    for (let i = 0; i < all.length; i += MAX_OPERATOR_LIST)
      list.push(...(await findByIds(collection, all.slice(i, i + MAX_OPERATOR_LIST))))
    found.set(collection, new Map(list.map((doc) => [groupKey(doc._id), doc])))
  }
  let out = docs
  for (const { path, collection, project } of wanted) {
    const lookup = found.get(collection)!
    const resolve = (id: unknown) => {
      const doc = lookup.get(groupKey(id))
      return doc === undefined ? undefined : project(doc)
    }
    out = out.map((doc) => replaceAt(doc, path, 0, resolve, true) as Doc)
  }
  return out
}

// Ids at the end of a path (an id or an array of ids), through arrays of documents.
function visitIds(value: unknown, path: string[], visit: (id: unknown) => void, start = 0): void {
  if (start === path.length) {
    for (const id of Array.isArray(value) ? value : [value]) if (isId(id)) visit(id)
    return
  }
  if (Array.isArray(value)) for (const item of value) visitIds(item, path, visit, start)
  else if (isPlainObject(value)) visitIds(value[path[start]], path, visit, start + 1)
}

const isId = (value: unknown) => typeof value === 'string' || typeof value === 'number'

function replaceAt(
  value: unknown,
  path: string[],
  start: number,
  resolve: (id: unknown) => Doc | undefined,
  owned = false,
): unknown {
  if (start === path.length) {
    if (Array.isArray(value))
      return value.map((id) => (isId(id) ? resolve(id) : id)).filter((item) => item !== undefined)
    return isId(value) ? (resolve(value) ?? null) : value
  }
  if (Array.isArray(value)) return value.map((item) => replaceAt(item, path, start, resolve))
  if (!isPlainObject(value) || !Object.hasOwn(value, path[start])) return value
  const replaced = replaceAt(value[path[start]], path, start + 1, resolve)
  if (!owned) return { ...value, [path[start]]: replaced }
  value[path[start]] = replaced
  return value
}
