import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { postgresEnv } from './postgres-env.ts'
import { runWriteSafety } from './write-safety.ts'

test('PostgreSQL: unique indexes, all-or-nothing insertMany and transactions', async (t) => {
  const env = await postgresEnv('safety')
  if (typeof env === 'string') return t.skip(env)
  try {
    await runWriteSafety(t, () => connect(env.url))
  } finally {
    await env.drop()
  }
})
