// Unique indexes for the memory store. Like MongoDB: a missing field indexes as null (so
// two documents without the field clash), and an array field indexes each element, so
// two documents sharing an element clash.

import { DuplicateKeyError } from '../errors.js'
import { isPlainObject, splitPath, valuesAtPath } from '../query/index.js'
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
  if (value === undefined || value === null) return 'n'
  if (typeof value === 'number') return `d${Object.is(value, -0) ? 0 : value}`
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

export class UniqueIndex {
  readonly name: string
  readonly #paths: string[][]
  readonly #fields: string[]
  // key -> id key of the document holding it
  #entries = new Map<string, string>()

  constructor(spec: IndexSpec) {
    this.name = indexName(spec)
    this.#fields = Object.keys(spec.keys)
    this.#paths = this.#fields.map(splitPath)
  }

  /** Every index key of a document: the cross product over array-valued fields. */
  keysOf(doc: StoredDocument): string[] {
    let keys = ['']
    for (const path of this.#paths) {
      const values = valuesAtPath(doc, path)
      const parts = [...new Set((values.length === 0 ? [null] : values).map(keyString))]
      keys = keys.flatMap((prefix) => parts.map((part) => `${prefix}|${part}`))
    }
    return keys
  }

  /** Throws DuplicateKeyError if `doc` would clash with a document other than `owner`. */
  check(doc: StoredDocument, owner: string): void {
    for (const key of this.keysOf(doc)) {
      const holder = this.#entries.get(key)
      if (holder !== undefined && holder !== owner)
        throw new DuplicateKeyError(this.name, this.keyFields(doc))
    }
  }

  add(doc: StoredDocument, owner: string): void {
    for (const key of this.keysOf(doc)) this.#entries.set(key, owner)
  }

  remove(doc: StoredDocument, owner: string): void {
    for (const key of this.keysOf(doc)) if (this.#entries.get(key) === owner) this.#entries.delete(key)
  }

  keyFields(doc: StoredDocument): Record<string, unknown> {
    const key: Record<string, unknown> = {}
    this.#fields.forEach((field, i) => {
      const values = valuesAtPath(doc, this.#paths[i])
      key[field] = values.length === 1 ? (values[0] ?? null) : values
    })
    return key
  }

  copyEntries(): Map<string, string> {
    return new Map(this.#entries)
  }

  setEntries(entries: Map<string, string>): void {
    this.#entries = entries
  }
}
