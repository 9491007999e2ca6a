// From one published result to the next: the smallest run of observer calls that turns
// the old list into the new one. Pure; the live query calls it after every change it
// applies (a window of tens of documents) and after every re-query (recovery, refill).

import { valuesEqual } from '../../data/query/index.js'
import type { DocId } from '../../data/store.js'
import type { LiveObserver } from './observer.js'

/** One published document: its id and its projected fields (no `_id`). */
export interface Published {
  id: DocId
  fields: Record<string, unknown>
}

/**
 * The fields of `next` that differ from `prev` (by value, as find() compares them), and
 * the top-level fields `prev` had that `next` lacks. null when nothing changed.
 */
export function fieldChanges(
  prev: Record<string, unknown>,
  next: Record<string, unknown>,
): { fields: Record<string, unknown>; cleared: string[] } | null {
  const fields: Record<string, unknown> = {}
  const cleared: string[] = []
  let any = false
  for (const key of Object.keys(next)) {
    if (!Object.hasOwn(prev, key) || !sameValue(prev[key], next[key])) {
      fields[key] = next[key]
      any = true
    }
  }
  for (const key of Object.keys(prev)) {
    if (!Object.hasOwn(next, key)) {
      cleared.push(key)
      any = true
    }
  }
  return any ? { fields, cleared } : null
}

// Same value and same shape: `{a:1,b:2}` and `{b:2,a:1}` differ for find() too, and a
// number must not silently stay a string of the same text.
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== typeof b) return false
  if (typeof a !== 'object' || a === null || b === null) return false
  return valuesEqual(a, b) && JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Tells `observer` how `prev` became `next`. With `ordered`, documents that moved are
 * removed and added again before their new neighbour (the observer contract has no move),
 * and every `added` names the id it sits before (null: last); otherwise order is ignored.
 */
export function publishDiff(
  prev: readonly Published[],
  next: readonly Published[],
  observer: LiveObserver,
  ordered: boolean,
): void {
  const prevById = new Map<DocId, Published>()
  for (const doc of prev) prevById.set(doc.id, doc)
  const nextIds = new Set<DocId>()
  for (const doc of next) nextIds.add(doc.id)
  for (const doc of prev) if (!nextIds.has(doc.id)) observer.removed(doc.id)
  const moved = ordered ? movedIds(prev, next, prevById, nextIds) : null
  if (moved) for (const doc of prev) if (moved.has(doc.id)) observer.removed(doc.id)
  // From the end, so the id each `added` sits before is already in place.
  for (let i = next.length - 1; i >= 0; i--) {
    const doc = next[i]
    const old = prevById.get(doc.id)
    if (old && !moved?.has(doc.id)) {
      // Unchanged documents keep their fields object: nothing to compare.
      const change = old.fields === doc.fields ? null : fieldChanges(old.fields, doc.fields)
      if (change) observer.changed(doc.id, change.fields, change.cleared)
    } else if (ordered) observer.added(doc.id, doc.fields, next[i + 1]?.id ?? null)
    else observer.added(doc.id, doc.fields)
  }
}

/**
 * The ids in both lists that must move: those outside a longest run kept in order.
 * Null when nothing moved (the common case: one pass, no allocation beyond it).
 */
function movedIds(
  prev: readonly Published[],
  next: readonly Published[],
  prevById: Map<DocId, Published>,
  nextIds: Set<DocId>,
): Set<DocId> | null {
  const oldIndex = new Map<DocId, number>()
  prev.forEach((doc, i) => {
    if (nextIds.has(doc.id)) oldIndex.set(doc.id, i)
  })
  const common = next.filter((doc) => prevById.has(doc.id)).map((doc) => doc.id)
  if (common.every((id, i) => i === 0 || oldIndex.get(common[i - 1])! < oldIndex.get(id)!)) return null
  const kept = new Set(longestIncreasing(common, (id) => oldIndex.get(id)!))
  return new Set(common.filter((id) => !kept.has(id)))
}

/** Patience sorting: O(n log n); the common case (nothing moved) is one pass. */
function longestIncreasing<T>(items: T[], key: (item: T) => number): T[] {
  const tails: number[] = []
  const parent: number[] = new Array(items.length)
  for (let i = 0; i < items.length; i++) {
    const value = key(items[i])
    let low = 0
    let high = tails.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (key(items[tails[mid]]) < value) low = mid + 1
      else high = mid
    }
    parent[i] = low > 0 ? tails[low - 1] : -1
    tails[low] = i
  }
  const out: T[] = []
  for (let i = tails.length > 0 ? tails[tails.length - 1] : -1; i >= 0; i = parent[i]) out.push(items[i])
  return out.reverse()
}
