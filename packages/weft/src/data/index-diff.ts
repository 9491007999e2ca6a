// `db.indexDiff()`: the indexes declared with collections (`indexes: [...]` in
// `db.collection()` options) against those the store has (`listIndexes`), per collection
// declared on this Db. What to create, what to drop, what has the same name but other
// keys or options. It reports; applying the diff is the app's call (a migration, or
// `createIndex` / `dropIndex`).

import type { DeclaredIndex } from './declared-indexes.js'
import type { IndexInfo, Store } from './store.js'
import { recordOf, sameIndex } from './stores/index-records.js'
import { indexName } from './stores/unique-keys.js'

export interface IndexDiff {
  /** Declared, not in the store. */
  create: { collection: string; index: IndexInfo }[]
  /** In the store, not declared (on a collection that declares its indexes). */
  drop: { collection: string; index: IndexInfo }[]
  /** The same name with other keys or options: drop, then create. */
  changed: { collection: string; declared: IndexInfo; existing: IndexInfo }[]
}

export async function indexDiff(store: Store, declared: Map<string, DeclaredIndex[]>): Promise<IndexDiff> {
  const diff: IndexDiff = { create: [], drop: [], changed: [] }
  for (const [collection, indexes] of declared) {
    const existing = new Map(
      (await store.collection(collection).listIndexes()).map((index) => [index.name, index]),
    )
    const wanted = new Set<string>()
    for (const index of indexes) {
      const name = indexName(index)
      const info = recordOf(index, name)
      wanted.add(name)
      const found = existing.get(name)
      if (!found) diff.create.push({ collection, index: info })
      else if (!sameIndex(found, info)) diff.changed.push({ collection, declared: info, existing: found })
    }
    for (const index of existing.values()) if (!wanted.has(index.name)) diff.drop.push({ collection, index })
  }
  return diff
}
