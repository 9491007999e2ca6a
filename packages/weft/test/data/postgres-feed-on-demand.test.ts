// The PostgreSQL change feed LISTENs only once the process watches: a process that never
// calls watch() (nor runs a live query) is not woken by every write of every instance.
// A write this store makes the moment watch() returns is reported (its statements wait
// for the LISTEN); so is one of another store, which reaches the server after the LISTEN
// that watch() sent first.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type ChangeEvent, connect } from 'weftjs/data'
import { withPostgres } from './postgres-env.ts'

test('PostgreSQL LISTENs from the first watch() on, and misses nothing written after it', async (t) => {
  await withPostgres(t, 'feed_on_demand', async (db, env) => {
    // The feed's connection, found by what it last ran: LISTEN, then the read of where the log ends.
    const feedConnections = async () => {
      const { rows } = await env.client.query(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 OR query LIKE $2',
        [`LISTEN "weft:${env.schema}"`, `%max(seq)%"${env.schema}"."$changes"%`],
      )
      return rows[0].n as number
    }
    const notes = db.collection('notes')
    await notes.insertOne({ _id: 'a', n: 1 })
    await notes.updateOne({ _id: 'a' }, { $inc: { n: 1 } })
    assert.equal(await feedConnections(), 0, 'nothing watches yet, so nothing LISTENs')
    assert.equal((await db.health()).changeFeed, 'listening', 'the feed connection is open all the same')

    const other = await connect(env.url)
    try {
      const feed = notes.watch()
      const seen: ChangeEvent[] = []
      const reading = (async () => {
        for await (const event of feed) {
          seen.push(event)
          if (seen.length === 3) break
        }
      })()
      // Written the moment watch() returns, by this store and by another one.
      const own = notes.insertOne({ _id: 'b', n: 3 })
      await other.collection('notes').insertOne({ _id: 'c', n: 4 })
      await own
      await other.collection('notes').updateOne({ _id: 'a' }, { $set: { n: 5 } })
      await reading
      assert.deepEqual(seen.map((event) => `${event.type} ${event.id}`).sort(), [
        'insert b',
        'insert c',
        'update a',
      ])
      assert.equal(await feedConnections(), 1, 'one connection LISTENs once something watches')
    } finally {
      await other.close()
    }
  })
})
