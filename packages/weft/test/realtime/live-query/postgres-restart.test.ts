// PostgreSQL restarts under live queries: the process stays up, and once the server is
// back the observers hold what find() answers, changes made meanwhile by another process
// included (the store's listener reconnects and re-reads its change log). The test stops
// its own server (postgres-cluster.ts), never the shared one.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { connect } from 'weftjs/data'
import { LiveQueryHub } from '../../../src/realtime/live-query/index.ts'
import { type TempCluster, tempCluster } from '../../data/postgres-cluster.ts'
import { asRecorded, Recorder } from './recorder.ts'

describe('live queries across a PostgreSQL restart', { timeout: 60_000 }, () => {
  let cluster: TempCluster | string
  before(async () => {
    cluster = await tempCluster()
  })
  after(async () => {
    if (typeof cluster !== 'string') await cluster.remove()
  })

  test('observers converge on find() after the server comes back', async (t) => {
    if (typeof cluster === 'string') return t.skip(cluster)
    const url = `${cluster.url}?connectTimeout=1000&statementTimeout=2000`
    const db = await connect(url)
    const hub = new LiveQueryHub({ logger: { error() {}, warn() {}, info() {} } })
    const tasks = db.collection('tasks')
    try {
      await tasks.insertMany(Array.from({ length: 20 }, (_, n) => ({ _id: n, n, board: n % 2 ? 'a' : 'b' })))
      const query = () => tasks.find({ board: 'a' }, { sort: { n: -1 }, limit: 3, projection: { n: 1 } })
      const recorder = new Recorder()
      await hub.observe(query(), recorder)

      await cluster.stop('fast')
      await cluster.start()
      // Another instance writes as soon as the server is back, maybe before this one's
      // listener has reconnected: the listener reads those changes from the log.
      const other = await connect(url)
      const theirs = other.collection('tasks')
      await theirs.deleteOne({ _id: 19 })
      await theirs.updateOne({ _id: 1 }, { $set: { n: 100 } })
      await theirs.insertOne({ _id: 'late', n: 18, board: 'a' })
      await other.close()

      await hub.fence()
      assert.deepEqual(recorder.list(), asRecorded(await query().toArray()))
      assert.deepEqual(recorder.errors, [])
    } finally {
      await hub.close()
      await db.close()
    }
  })
})
