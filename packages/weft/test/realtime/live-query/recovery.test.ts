// A change feed that fails does not crash the process nor leave observers stale: the hub
// watches again, re-runs its queries and publishes the difference.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { LiveQueryHub } from '../../../src/realtime/live-query/index.ts'
import { asRecorded, type Recorded, Recorder } from './recorder.ts'

const byId = (list: Recorded[]) => [...list].sort((a, b) => Number(a.id) - Number(b.id))

test('an overflowing feed (10,000 changes at once) is watched again and the queries re-run', async () => {
  const db = await connect('memory:')
  const tasks = db.collection('tasks')
  const warnings: string[] = []
  const logger = {
    error() {},
    info() {},
    warn: (_: object, message?: string) => void warnings.push(message ?? ''),
  }
  const hub = new LiveQueryHub({ logger })
  const top = new Recorder()
  const all = new Recorder()
  await hub.observe(tasks.find({}, { sort: { n: -1 }, limit: 3 }), top)
  await hub.observe(tasks.find({ n: { $lt: 5 } }), all)
  // One write publishes every inserted document at once: more than a feed buffers.
  await tasks.insertMany(Array.from({ length: 10_050 }, (_, n) => ({ _id: n, n })))
  await hub.fence()
  assert.match(warnings.join('\n'), /change feed failed/)
  assert.deepEqual(top.list(), asRecorded(await tasks.find({}, { sort: { n: -1 }, limit: 3 }).toArray()))
  assert.deepEqual(
    byId(all.list()),
    asRecorded(await tasks.find({ n: { $lt: 5 } }, { sort: { _id: 1 } }).toArray()),
  )
  assert.deepEqual(top.errors, [])

  // And it goes on following changes.
  await tasks.insertOne({ _id: 'new', n: 1e6 })
  await tasks.deleteOne({ _id: 2 })
  await hub.fence()
  assert.deepEqual(top.list(), asRecorded(await tasks.find({}, { sort: { n: -1 }, limit: 3 }).toArray()))
  assert.deepEqual(
    byId(all.list()),
    asRecorded(await tasks.find({ n: { $lt: 5 } }, { sort: { _id: 1 } }).toArray()),
  )
  await hub.close()
  await db.close()
})

test('a query the store refuses rejects observe(), and a populate cursor is refused by name', async () => {
  const db = await connect('memory:')
  const hub = new LiveQueryHub()
  await assert.rejects(
    hub.observe(
      db
        .collection('tasks')
        .find({})
        .sort({ n: 2 as 1 }),
      new Recorder(),
    ),
    /Sort direction/,
  )
  await assert.rejects(
    hub.observe(
      db.collection('tasks', undefined, { refs: { owner: 'users' } }).find({}, { populate: ['owner'] }),
      new Recorder(),
    ),
    { code: 'WEFT_LIVE_QUERY_UNSUPPORTED' },
  )
  assert.equal(hub.feeds, 0)
  await hub.close()
  await db.close()
})

test('an observer that throws is reported; the other queries on the feed go on', async () => {
  const db = await connect('memory:')
  const tasks = db.collection('tasks')
  const errors: string[] = []
  const logger = {
    warn() {},
    info() {},
    error: (_: object, message?: string) => void errors.push(message ?? ''),
  }
  const hub = new LiveQueryHub({ logger })
  const broken = new Recorder()
  broken.added = () => {
    throw new Error('observer bug')
  }
  const fine = new Recorder()
  await hub.observe(tasks.find({}), broken)
  await hub.observe(tasks.find({}), fine)
  await tasks.insertOne({ _id: 1 })
  await tasks.insertOne({ _id: 2 })
  await hub.fence()
  assert.deepEqual(fine.order, [1, 2])
  assert.equal(errors.length, 2)
  assert.match(errors[0], /observer threw/)
  await hub.close()
  // Closed: nothing more reaches the observers.
  await tasks.insertOne({ _id: 3 })
  assert.deepEqual(fine.order, [1, 2])
  await db.close()
})
