import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runHostileQueries } from './hostile-queries.ts'
import { postgresEnv } from './postgres-env.ts'

test('PostgreSQL: hostile filters over HTTP answer 400 and never stall the process', async (t) => {
  const env = await postgresEnv('hostile')
  if (typeof env === 'string') return t.skip(env)
  try {
    await runHostileQueries(t, () => connect(env.url))
  } finally {
    await env.drop()
  }
})
