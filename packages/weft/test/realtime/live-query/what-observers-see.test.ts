// What an observer receives is what its own find() returns: projected fields only, the
// changed and cleared fields on a change, and the collection's scope (soft delete); on every store.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { LiveQueryHub } from '../../../src/realtime/live-query/index.ts'
import { testStores } from '../../data/test-stores.ts'
import { Recorder } from './recorder.ts'

for (const store of await testStores('observers')) {
  describe(`what observers see on ${store.name}`, { skip: store.skip }, () => {
    test('a field outside the projection never reaches the observer; a change carries only what changed', async () => {
      const db = await store.connect()
      const users = db.collection('users')
      await users.insertOne({ _id: 'u1', name: 'Ada', email: 'ada@example.com', role: 'admin' })
      const hub = new LiveQueryHub()
      const recorder = new Recorder()
      const handle = await hub.observe(users.find({}, { projection: { name: 1, role: 1 } }), recorder)
      await users.updateOne({ _id: 'u1' }, { $set: { email: 'new@example.com' } })
      await users.updateOne({ _id: 'u1' }, { $set: { name: 'Ada L.' } })
      await users.updateOne({ _id: 'u1' }, { $unset: { role: '' } })
      await users.insertOne({ _id: 'u2', name: 'Grace', email: 'grace@example.com' })
      await hub.fence()
      assert.deepEqual(recorder.calls, [
        'added u1 {"name":"Ada","role":"admin"} before undefined',
        'changed u1 {"name":"Ada L."} cleared ',
        'changed u1 {} cleared role',
        'added u2 {"name":"Grace"} before undefined',
      ])
      assert.ok(!recorder.calls.join('\n').includes('example.com'))
      assert.deepEqual(Object.fromEntries(handle.docs), { u1: { name: 'Ada L.' }, u2: { name: 'Grace' } })
      await hub.close()
      await db.close()
    })

    test('a soft-deleted document leaves the live query, and comes back when restored', async () => {
      const db = await store.connect()
      const tasks = db.collection('tasks', undefined, { softDelete: true })
      await tasks.insertMany([
        { _id: 1, board: 'a' },
        { _id: 2, board: 'a' },
      ])
      const hub = new LiveQueryHub()
      const recorder = new Recorder()
      await hub.observe(tasks.find({ board: 'a' }, { sort: { _id: 1 }, projection: { board: 1 } }), recorder)
      await tasks.deleteOne({ _id: 1 })
      await hub.fence()
      assert.deepEqual(recorder.order, [2])
      await tasks.restore({ _id: 1 })
      await hub.fence()
      assert.deepEqual(recorder.order, [1, 2])
      assert.deepEqual(recorder.calls.slice(-2), ['removed 1', 'added 1 {"board":"a"} before 2'])
      await hub.close()
      await db.close()
    })
  })
}
