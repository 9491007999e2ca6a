// Connections that PostgreSQL ends or stalls under the store, on the shared test server
// (only this file's own connections are touched): a transaction whose connection is
// killed between statements, a statement stuck behind a lock past the statement timeout,
// and the change feed's connection killed while writes go on. Each one answers
// WEFT_DATA_UNAVAILABLE or recovers; none ends the process.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type ChangeEvent, connect, type DataUnavailableError } from 'weftjs/data'
import { postgresEnv } from './postgres-env.ts'

test('PostgreSQL connections ended or stalled under the store', async (t) => {
  const env = await postgresEnv('unavailable')
  if (typeof env === 'string') return t.skip(env)
  const db = await connect(`${env.url}&statementTimeout=300`)
  const notes = db.collection('notes')
  const terminate = (where: string) =>
    env.client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND ${where}`,
    )
  try {
    await notes.insertOne({ _id: 'a', n: 1 })
    const health = await db.health()
    assert.deepEqual([health.ok, health.kind, health.changeFeed], [true, 'postgres', 'listening'])

    await t.test('a transaction whose connection is killed between statements fails with 503', async () => {
      await assert.rejects(
        db.transaction(async () => {
          await notes.insertOne({ _id: 'in-tx', n: 2 })
          // The server ends this transaction's connection while the app awaits something else.
          await terminate(`state = 'idle in transaction' AND query LIKE '%${env.schema}%'`)
          await new Promise((resolve) => setTimeout(resolve, 100))
          await notes.insertOne({ _id: 'in-tx-2', n: 3 })
        }),
        (error: DataUnavailableError) => error.code === 'WEFT_DATA_UNAVAILABLE' && error.status === 503,
      )
      assert.equal(await notes.findOne({ _id: 'in-tx' }), null, 'the transaction was rolled back')
      assert.equal(await notes.countDocuments({}), 1)
    })

    await t.test('a statement stuck behind a lock ends at the statement timeout with 503', async () => {
      await env.client.query('BEGIN')
      await env.client.query(`LOCK TABLE "${env.schema}"."notes" IN ACCESS EXCLUSIVE MODE`)
      const started = Date.now()
      try {
        await assert.rejects(notes.find({}).toArray(), (error: DataUnavailableError) => {
          assert.equal(error.code, 'WEFT_DATA_UNAVAILABLE')
          assert.match(error.message, /statement timeout/)
          return true
        })
      } finally {
        await env.client.query('ROLLBACK')
      }
      assert.ok(Date.now() - started < 3000, `the stuck statement took ${Date.now() - started} ms`)
      assert.equal(await notes.countDocuments({}), 1)
    })

    await t.test('a page read killed mid-statement fails with 503; the next one is served', async () => {
      // A LIMIT read filtered on its sort field runs on the store's second pool (see
      // postgres-generic-plans.test.ts); held behind a lock, it is killed while it waits.
      const page = () => notes.find({ n: { $gte: 0 } }, { sort: { n: 1 }, limit: 2 }).toArray()
      assert.deepEqual(await page(), [{ _id: 'a', n: 1 }], 'the first read also asks what the table is like')
      await env.client.query('BEGIN')
      await env.client.query(`LOCK TABLE "${env.schema}"."notes" IN ACCESS EXCLUSIVE MODE`)
      try {
        const waiting = page()
        const killed = waiting.then(
          () => assert.fail('the killed read answered'),
          (error: DataUnavailableError) => assert.equal(error.code, 'WEFT_DATA_UNAVAILABLE'),
        )
        await until(async () => {
          const { rows } = await terminate(`wait_event_type = 'Lock' AND query LIKE '%LIMIT 2%'`)
          return rows.length === 1
        }, 'the read to wait on the lock')
        await killed
      } finally {
        await env.client.query('ROLLBACK')
      }
      assert.deepEqual(await page(), [{ _id: 'a', n: 1 }])
    })

    await t.test('the change feed loses its connection and still delivers every change', async () => {
      const seen: ChangeEvent[] = []
      const feed = notes.watch()
      const reading = (async () => {
        for await (const event of feed) seen.push(event)
      })()
      await notes.insertOne({ _id: 'before', n: 4 })
      await until(() => seen.length === 1)
      await terminate(`query LIKE 'LISTEN "weft:${env.schema}"%'`)
      // Written at once, while the feed reconnects: read back from the change log.
      await notes.insertOne({ _id: 'gap-1', n: 5 })
      await notes.updateOne({ _id: 'gap-1' }, { $set: { n: 6 } })
      await notes.deleteOne({ _id: 'a' })
      await until(() => seen.length === 4)
      await notes.insertOne({ _id: 'after', n: 7 })
      await until(() => seen.length === 5)
      assert.deepEqual(
        seen.map((event) => `${event.type} ${event.id}`),
        ['insert before', 'insert gap-1', 'update gap-1', 'delete a', 'insert after'],
      )
      assert.equal((await db.health()).changeFeed, 'listening')
      await feed.return?.()
      await reading
    })
  } finally {
    await db.close()
    await env.drop()
  }
})

async function until(
  check: () => boolean | Promise<boolean>,
  what = 'the change feed',
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
