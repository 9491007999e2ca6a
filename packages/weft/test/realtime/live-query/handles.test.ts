// A live query's handle: stopping it ends the calls and frees the feed, an empty sort is
// no sort, and options find() would refuse, set on the cursor afterwards, are refused too.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { LiveQueryHub } from '../../../src/realtime/live-query/index.ts'
import { Recorder } from './recorder.ts'

test('stop ends the calls and, with the last query of a collection, its feed; a second stop is nothing', async () => {
  const db = await connect('memory:')
  const tasks = db.collection('tasks')
  const hub = new LiveQueryHub()
  const stopped = new Recorder()
  const going = new Recorder()
  const handle = await hub.observe(tasks.find({}), stopped)
  const other = await hub.observe(tasks.find({}), going)
  handle.stop()
  handle.stop()
  await tasks.insertOne({ _id: 1 })
  await hub.fence()
  assert.deepEqual(stopped.calls, [])
  assert.deepEqual(going.order, [1])
  assert.equal(hub.feeds, 1)
  other.stop()
  assert.equal(hub.feeds, 0)
  await hub.close()
  await db.close()
})

test('an empty sort is no sort: additions name no neighbour', async () => {
  const db = await connect('memory:')
  const tasks = db.collection('tasks')
  await tasks.insertOne({ _id: 1 })
  const hub = new LiveQueryHub()
  const recorder = new Recorder()
  await hub.observe(tasks.find({}, { sort: {} }), recorder)
  assert.deepEqual(recorder.calls, ['added 1 {} before undefined'])
  await hub.close()
  await db.close()
})

test('a negative skip or limit set on the cursor is refused by observe()', async () => {
  const db = await connect('memory:')
  const hub = new LiveQueryHub()
  for (const cursor of [
    db.collection('tasks').find({}).skip(-1),
    db.collection('tasks').find({}).limit(-2),
  ]) {
    await assert.rejects(hub.observe(cursor, new Recorder()), {
      message: /must be a whole number of 0 or more/,
    })
  }
  await hub.close()
  await db.close()
})
