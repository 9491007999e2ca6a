// `$group`: documents with equal `_id` values (MongoDB equality: 1 and 1.0 are one group,
// null and missing are one group) are folded by the accumulators of each output field.
// Groups come out in the order their first document arrived; `$sort` for another order.

import { QueryError } from '../../errors.js'
import { isPlainObject } from '../compare.js'
import { type Accumulator, type AccumulatorFactory, compileAccumulator } from './accumulators.js'
import type { Compile, Vars } from './expression-args.js'

type Doc = Record<string, unknown>
type Group = { id: unknown; accumulators: Accumulator[] }

export function compileGroup(
  spec: unknown,
  compile: Compile,
): (docs: readonly Doc[], vars: Omit<Vars, 'CURRENT' | 'ROOT'>) => Doc[] {
  if (!isPlainObject(spec) || !('_id' in spec))
    throw new QueryError(
      '$group needs an _id, e.g. { $group: { _id: "$status", n: { $sum: 1 } } } (_id: null for one group).',
    )
  const key = compile(spec._id)
  const fields: [string, AccumulatorFactory][] = Object.keys(spec)
    .filter((field) => field !== '_id')
    .map((field) => {
      if (field.includes('.') || field.startsWith('$'))
        throw new QueryError(`$group field names may not contain "." or start with "$": "${field}".`)
      return [field, compileAccumulator(field, spec[field], compile)]
    })
  return (docs, base) => {
    // Strings, the usual key, are their own Map key: no groupKey text to build per document.
    // They get a Map of their own, so a string never meets another value's groupKey.
    const byString = new Map<string, Group>()
    const byKey = new Map<string, Group>()
    const groups: Group[] = []
    // One vars object for the whole loop: expressions read it during the call and never
    // keep it, and a fresh object per document cost more than the rest of the group.
    const vars: Vars = { ...base, CURRENT: null, ROOT: null }
    for (const doc of docs) {
      vars.CURRENT = doc
      vars.ROOT = doc
      const id = key(vars) ?? null
      const map = typeof id === 'string' ? byString : byKey
      const hash = typeof id === 'string' ? id : groupKey(id)
      let group = map.get(hash)
      if (!group) {
        group = { id, accumulators: fields.map(([, make]) => make()) }
        map.set(hash, group)
        groups.push(group)
      }
      for (const accumulator of group.accumulators) accumulator.add(vars)
    }
    return groups.map(({ id, accumulators }) => {
      const out: Doc = { _id: id }
      fields.forEach(([field], i) => {
        out[field] = accumulators[i].result()
      })
      return out
    })
  }
}

/** A string equal for exactly the values MongoDB groups together. */
export function groupKey(value: unknown): string {
  // A string alone needs no quotes, as no other value's key starts with `s:`. Inside an
  // array or object it does, or `['a,s:b']` and `['a', 'b']` would meet.
  return typeof value === 'string' ? `s:${value}` : nestedKey(value)
}

function nestedKey(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'number') return Number.isNaN(value) ? 'n:NaN' : `n:${value === 0 ? 0 : value}`
  if (typeof value === 'string') return `s:${JSON.stringify(value)}`
  if (typeof value === 'boolean') return `b:${value}`
  if (typeof value === 'bigint') return `n:${value}`
  if (value instanceof Date) return `d:${value.getTime()}`
  if (value instanceof RegExp) return `r:${String(value)}`
  if (value instanceof Uint8Array) return `x:${Array.from(value).join(',')}`
  if (Array.isArray(value)) return `[${value.map(nestedKey).join(',')}]`
  if (isPlainObject(value)) {
    const parts = Object.keys(value)
      .filter((field) => value[field] !== undefined)
      .map((field) => `${JSON.stringify(field)}:${nestedKey(value[field])}`)
    return `{${parts.join(',')}}`
  }
  const hex = (value as { toHexString?: () => string }).toHexString
  return typeof hex === 'function' ? `o:${hex.call(value)}` : `?:${String(value)}`
}
