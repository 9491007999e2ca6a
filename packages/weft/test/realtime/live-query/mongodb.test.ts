// Live queries on MongoDB follow its change stream, one per collection. Runs only where a
// server is: set MONGODB_URL (a replica set: change streams need one). Without it the
// test skips with a loud message, as the other MongoDB tests do.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { LiveQueryHub } from '../../../src/realtime/live-query/index.ts'
import { checkOneFeed } from './one-feed.ts'
import { asRecorded, Recorder } from './recorder.ts'

const url = process.env.MONGODB_URL

function skipLoudly(t: { skip(message: string): void }): void {
  const message =
    'MONGODB_URL is not set: MongoDB live-query tests NOT RUN (not a failure, even with CI=true)'
  console.error(`\n*** SKIPPING: ${message}. Set MONGODB_URL=mongodb://host:27017/db to run them. ***\n`)
  t.skip(message)
}

test('MongoDB: a sorted, limited live query follows the change stream to find()', async (t) => {
  if (!url) return skipLoudly(t)
  const db = await connect(url)
  const tasks = db.collection(`live_${process.pid}_${Date.now()}`)
  const hub = new LiveQueryHub()
  try {
    await tasks.insertMany(Array.from({ length: 8 }, (_, n) => ({ _id: n, n, board: n % 2 ? 'a' : 'b' })))
    const query = () => tasks.find({ board: 'a' }, { sort: { n: -1 }, limit: 2, projection: { n: 1 } })
    // Change streams have no write fence here: the check runs on each observer call instead.
    let settled!: () => void
    const converged = new Promise<void>((resolve) => (settled = resolve))
    const recorder = new Recorder()
    const check = async () => {
      const expected = asRecorded(await query().toArray())
      if (JSON.stringify(recorder.list()) === JSON.stringify(expected) && expected[0]?.id === 9) settled()
    }
    await hub.observe(query(), {
      added(...args) {
        recorder.added(...args)
        void check()
      },
      changed(...args) {
        recorder.changed(...args)
        void check()
      },
      removed(id) {
        recorder.removed(id)
        void check()
      },
    })
    assert.deepEqual(recorder.list(), asRecorded(await query().toArray()))
    await tasks.deleteOne({ _id: 7 })
    await tasks.updateOne({ _id: 1 }, { $set: { n: 50 } })
    await tasks.insertOne({ _id: 9, n: 99, board: 'a' })
    await converged
    assert.deepEqual(recorder.errors, [])
  } finally {
    await hub.close()
    await tasks.deleteMany({})
    await db.close()
  }
})

test('MongoDB: 1,000 live queries, one change stream', async (t) => {
  if (!url) return skipLoudly(t)
  const db = await connect(url)
  try {
    await checkOneFeed(db.collection(`live_feed_${process.pid}_${Date.now()}`), 1000, { fence: false })
  } finally {
    await db.close()
  }
})
