// The keys of a unique index, MongoDB's way, for every store: a missing field is null
// (two documents without it clash), an array is indexed by element (two documents
// sharing an element clash, one document may repeat a value in its own array), an empty
// array is `undefined` (distinct from null, as in MongoDB), and a compound index keys
// the cross product. The memory store holds these keys in a Map; the SQL stores hold
// them in a side table whose primary key is (index, key), so the database refuses a
// clash even between processes.

import { isPlainObject, splitPath } from '../query/index.js'
import { isIndexSegment } from '../query/paths.js'
import type { IndexSpec, StoredDocument } from '../store.js'

/** MongoDB's default index name: `{ a: 1, b: -1 }` -> `a_1_b_-1`. */
export function indexName(spec: IndexSpec): string {
  return (
    spec.name ??
    Object.keys(spec.keys)
      .map((key) => `${key}_${spec.keys[key]}`)
      .join('_')
  )
}

/** A string equal for values MongoDB considers equal (1 and 1.0, same keys in same order). */
export function keyString(value: unknown): string {
  if (value === null) return 'n'
  if (value === undefined) return 'u'
  if (typeof value === 'number') return `d${Object.is(value, -0) ? 0 : value}`
  if (typeof value === 'bigint') return `d${value}`
  if (typeof value === 'string') return `s${JSON.stringify(value)}`
  if (typeof value === 'boolean') return `b${value}`
  if (value instanceof Date) return `t${value.getTime()}`
  if (Array.isArray(value)) return `[${value.map(keyString).join(',')}]`
  if (isPlainObject(value)) {
    const entries = Object.keys(value).filter((key) => value[key] !== undefined)
    return `{${entries.map((key) => `${JSON.stringify(key)}:${keyString(value[key])}`).join(',')}}`
  }
  return `o${String(value)}`
}

// The empty array's key: MongoDB indexes `[]` as undefined.
const EMPTY = Symbol('empty array')

/** One unique index, as the stores need it to compute keys. */
export class UniqueKeys {
  readonly name: string
  readonly fields: string[]
  readonly #paths: string[][]

  constructor(spec: IndexSpec) {
    this.name = indexName(spec)
    this.fields = Object.keys(spec.keys)
    this.#paths = this.fields.map(splitPath)
  }

  /** Every distinct key of a document: one per element, the cross product over fields. */
  keysOf(doc: StoredDocument): string[] {
    let keys = ['']
    for (const path of this.#paths) {
      const values: unknown[] = []
      collect(doc, path, 0, values)
      const parts = [...new Set(values.map((value) => (value === EMPTY ? 'u' : keyString(value ?? null))))]
      keys = keys.flatMap((prefix) => parts.map((part) => `${prefix}|${part}`))
    }
    return keys
  }

  /** The document's values for the error: `{ tags: 'b' }`, or all of them when several. */
  keyFields(doc: StoredDocument): Record<string, unknown> {
    const key: Record<string, unknown> = {}
    this.fields.forEach((field, i) => {
      const values: unknown[] = []
      collect(doc, this.#paths[i], 0, values)
      const plain = values.map((value) => (value === EMPTY ? undefined : (value ?? null)))
      key[field] = plain.length === 1 ? plain[0] : plain
    })
    return key
  }
}

/** Keys to take away from and give to one document when it changes (either side may be absent). */
export interface KeyChange {
  removed: { index: string; key: string }[]
  added: { index: string; key: string }[]
}

export function keyChange(
  indexes: Iterable<UniqueKeys>,
  before: StoredDocument | null,
  after: StoredDocument | null,
): KeyChange {
  const change: KeyChange = { removed: [], added: [] }
  for (const index of indexes) {
    const old = before ? index.keysOf(before) : []
    const next = after ? index.keysOf(after) : []
    const kept = new Set(old.filter((key) => next.includes(key)))
    for (const key of old) if (!kept.has(key)) change.removed.push({ index: index.name, key })
    for (const key of next) if (!kept.has(key)) change.added.push({ index: index.name, key })
  }
  return change
}

// The values a path reaches for indexing: into documents inside arrays on the way, an
// array at the end by element (an empty one as EMPTY), a missing field as undefined.
// A positional segment (`a.0`) picks the element, as in queries.
function collect(value: unknown, path: string[], start: number, found: unknown[]): void {
  if (start === path.length) {
    if (!Array.isArray(value)) found.push(value)
    else if (value.length === 0) found.push(EMPTY)
    else found.push(...value)
    return
  }
  const segment = path[start]
  if (Array.isArray(value)) {
    if (isIndexSegment(segment) && Number(segment) < value.length) {
      collect(value[Number(segment)], path, start + 1, found)
      return
    }
    const before = found.length
    for (const item of value) if (isPlainObject(item)) collect(item[segment], path, start + 1, found)
    if (found.length === before) found.push(undefined)
    return
  }
  if (isPlainObject(value)) collect(value[segment], path, start + 1, found)
  else found.push(undefined)
}
