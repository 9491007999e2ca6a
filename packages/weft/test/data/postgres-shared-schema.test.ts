// Instances of an app on one PostgreSQL schema, each with its own connections, meet a
// new collection at the same moment: each creates its table and indexes, and no write
// may fail because another instance got there first. The races are narrow, so each test
// meets many new collections.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect, type Db } from 'weftjs/data'
import { type PostgresEnv, withPostgres } from './postgres-env.ts'

const INSTANCES = 4

async function withInstances(first: Db, env: PostgresEnv, body: (instances: Db[]) => Promise<void>) {
  const others = await Promise.all(Array.from({ length: INSTANCES - 1 }, () => connect(env.url)))
  try {
    await body([first, ...others])
  } finally {
    await Promise.all(others.map((db) => db.close()))
  }
}

test('PostgreSQL: instances writing to a new collection at once all succeed', async (t) => {
  await withPostgres(t, 'shared', (first, env) =>
    withInstances(first, env, async (instances) => {
      for (let round = 0; round < 150; round++) {
        const name = `meet_${round}`
        await Promise.all(instances.map((db, i) => db.collection(name).insertOne({ _id: `d${i}` })))
        assert.equal(await first.collection(name).countDocuments({}), INSTANCES)
      }
    }),
  )
})

test('PostgreSQL: instances creating the same unique index at once all succeed, and it holds', async (t) => {
  await withPostgres(t, 'shared', (first, env) =>
    withInstances(first, env, async (instances) => {
      for (let round = 0; round < 30; round++) {
        const tasks = first.collection(`unique_${round}`)
        await tasks.insertMany([{ n: 1 }, { n: 2 }])
        await Promise.all(
          instances.map((db) => db.collection(`unique_${round}`).createIndex({ n: 1 }, { unique: true })),
        )
        await assert.rejects(instances[1]!.collection(`unique_${round}`).insertOne({ n: 1 }), {
          code: 'WEFT_DATA_DUPLICATE_KEY',
        })
        assert.equal(await tasks.countDocuments({}), 2)
      }
    }),
  )
})
