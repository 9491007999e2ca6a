// One change feed per collection, whatever the number of live queries: memory, SQLite, PostgreSQL.

import { after, describe, test } from 'node:test'
import { connect } from 'weftjs/data'
import { type PostgresEnv, postgresEnv } from '../../data/postgres-env.ts'
import { checkOneFeed } from './one-feed.ts'

test('memory: 1,000 live queries, one feed, a change reaches only its own query', async () => {
  const db = await connect('memory:')
  await checkOneFeed(db.collection('tasks'))
  await db.close()
})

test('SQLite: 1,000 live queries, one feed', async () => {
  const db = await connect('sqlite::memory:')
  await checkOneFeed(db.collection('tasks'))
  await db.close()
})

const env = await postgresEnv('live_feed')
describe('PostgreSQL', { skip: typeof env === 'string' ? env : false }, () => {
  after(() => (env as PostgresEnv).drop())
  test('1,000 live queries, one feed (the store keeps its one LISTEN connection)', async () => {
    const db = await connect((env as PostgresEnv).url)
    try {
      await checkOneFeed(db.collection('tasks'))
    } finally {
      await db.close()
    }
  })
})
