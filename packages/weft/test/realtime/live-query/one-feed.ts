// A thousand live queries on one collection cost one change feed: shared by the memory,
// SQLite and PostgreSQL tests. The store collection's watch() is counted through the
// cursor's live source (what the hub itself reads).

import assert from 'node:assert/strict'
import type { Collection } from 'weftjs/data'
import { liveSource } from '../../../src/data/cursor.ts'
import { type LiveHandle, LiveQueryHub } from '../../../src/realtime/live-query/index.ts'
import { Recorder } from './recorder.ts'

/** `fence: false` for a store without an exact write fence (MongoDB): the routing check is left out. */
export async function checkOneFeed(
  tasks: Collection,
  queries = 1000,
  options = { fence: true },
): Promise<void> {
  await tasks.insertMany(Array.from({ length: 50 }, (_, i) => ({ board: `b${i % 10}`, n: i, secret: 's' })))
  const store = liveSource(tasks.find())!.store
  const watch = store.watch
  let opened = 0
  store.watch = (...args) => {
    opened++
    return watch.apply(store, args)
  }
  const hub = new LiveQueryHub()
  try {
    const recorders = Array.from({ length: queries }, () => new Recorder())
    const handles = await Promise.all(
      recorders.map((recorder, i) =>
        hub.observe(
          tasks.find({ board: `b${i}` }, { sort: { n: -1 }, limit: 3, projection: { n: 1 } }),
          recorder,
        ),
      ),
    )
    assert.equal(opened, 1, 'one watch() for the collection')
    assert.equal(hub.feeds, 1)
    assert.deepEqual([...handles[7].docs.values()], [{ n: 47 }, { n: 37 }, { n: 27 }])

    if (options.fence) await checkRouting(tasks, hub, recorders, handles)
    for (const handle of handles) handle.stop()
    assert.equal(hub.feeds, 0, 'the feed stops with its last query')
  } finally {
    store.watch = watch
    await hub.close()
  }
}

/** A write reaches the one query of its board; a field outside every projection reaches none. */
async function checkRouting(
  tasks: Collection,
  hub: LiveQueryHub,
  recorders: Recorder[],
  handles: LiveHandle[],
): Promise<void> {
  const ids7 = [...handles[7].docs.keys()]
  const before = recorders.map((recorder) => recorder.calls.length)
  const { insertedId: inserted } = await tasks.insertOne({ board: 'b7', n: 100, secret: 's' })
  await tasks.updateMany({ board: 'b3' }, { $set: { secret: 't' } })
  await hub.fence()
  const touched = recorders.flatMap((recorder, i) => (recorder.calls.length > before[i] ? [i] : []))
  assert.deepEqual(touched, [7], 'only the query of board b7 heard of it; the hidden field reached nobody')
  const [first, , last] = ids7
  assert.deepEqual(recorders[7].calls.slice(before[7]), [
    `removed ${String(last)}`,
    `added ${String(inserted)} {"n":100} before ${String(first)}`,
  ])
  assert.deepEqual([...handles[7].docs.values()], [{ n: 100 }, { n: 47 }, { n: 37 }])
}
