// watch(): insert, update and delete events, filtered, stopped by return(), and only for
// what commits; the same on every store.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type ChangeEvent, WatchQueue } from 'weftjs/data'
import { testStores } from './test-stores.ts'

async function take(feed: AsyncIterator<ChangeEvent>, count: number): Promise<ChangeEvent[]> {
  const events: ChangeEvent[] = []
  while (events.length < count) {
    const next = await feed.next()
    if (next.done) break
    events.push(next.value)
  }
  return events
}

for (const store of await testStores('feeds')) {
  describe(`watch() on ${store.name}`, { skip: store.skip }, () => {
    test('watch() reports inserts, updates and deletes in order', async () => {
      const db = await store.connect()
      const tasks = db.collection('tasks')
      const feed = tasks.watch()
      await tasks.insertOne({ _id: 1, done: false })
      await tasks.updateOne({ _id: 1 }, { $set: { done: true } })
      await tasks.deleteOne({ _id: 1 })
      assert.deepEqual(await take(feed, 3), [
        { type: 'insert', collection: 'tasks', id: 1, doc: { _id: 1, done: false } },
        { type: 'update', collection: 'tasks', id: 1, doc: { _id: 1, done: true } },
        { type: 'delete', collection: 'tasks', id: 1 },
      ])
      await feed.return?.()
    })

    // Across processes (PostgreSQL) a filtered feed knows only the new document, and a
    // batch insert is fetched by id, possibly already changed: docs/data.md says so, and
    // postgres-watch-across-processes.test.ts tests that side.
    if (store.name !== 'PostgreSQL') {
      test('a filter keeps changes to matching documents, including ones leaving the match', async () => {
        const db = await store.connect()
        const tasks = db.collection('tasks')
        const feed = tasks.watch({ done: false })
        await tasks.insertMany([
          { _id: 1, done: true },
          { _id: 2, done: false },
        ])
        await tasks.updateOne({ _id: 2 }, { $set: { done: true } })
        await tasks.deleteOne({ _id: 1 })
        await tasks.deleteOne({ _id: 2 })
        const events = await take(feed, 2)
        assert.deepEqual(
          events.map((event) => [event.type, event.id]),
          [
            ['insert', 2],
            ['update', 2],
          ],
        )
        await feed.return?.()
      })
    }

    test('return() ends the feed, and a waiting next() resolves as done', async () => {
      const db = await store.connect()
      const tasks = db.collection('tasks')
      const feed = tasks.watch()
      const pending = feed.next()
      await feed.return?.()
      assert.deepEqual(await pending, { value: undefined, done: true })
      await tasks.insertOne({ _id: 1 })
      assert.equal((await feed.next()).done, true)
    })

    test('for await works and breaking out stops the feed', async () => {
      const db = await store.connect()
      const tasks = db.collection('tasks')
      setTimeout(() => void tasks.insertMany([{ _id: 1 }, { _id: 2 }]), 1)
      const seen: unknown[] = []
      for await (const change of tasks.watch()) {
        seen.push(change.id)
        if (seen.length === 2) break
      }
      assert.deepEqual(seen, [1, 2])
    })

    test('changes inside a transaction are reported at commit, and never after a rollback', async () => {
      const db = await store.connect()
      const tasks = db.collection('tasks')
      const feed = tasks.watch()
      await db
        .transaction(async () => {
          await tasks.insertOne({ _id: 'lost' })
          throw new Error('no')
        })
        .catch(() => undefined)
      await db.transaction(async () => {
        await tasks.insertOne({ _id: 'kept' })
      })
      assert.deepEqual(
        (await take(feed, 1)).map((event) => event.id),
        ['kept'],
      )
      await feed.return?.()
    })
  })
}

test('a consumer that falls too far behind is stopped with a clear error', async () => {
  const queue = new WatchQueue({ limit: 2 })
  for (const id of [1, 2, 3]) queue.push({ type: 'delete', collection: 'c', id })
  await assert.rejects(queue.next(), { code: 'WEFT_DATA_WATCH_OVERFLOW' })
  assert.equal((await queue.next()).done, true)
})
