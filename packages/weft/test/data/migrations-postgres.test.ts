import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runMigrations } from './migrations.ts'
import { postgresEnv } from './postgres-env.ts'

test('PostgreSQL: index diff and migrations', async (t) => {
  const env = await postgresEnv('migrate')
  if (typeof env === 'string') return t.skip(env)
  try {
    await runMigrations(t, () => connect(env.url))
  } finally {
    await env.drop()
  }
})
