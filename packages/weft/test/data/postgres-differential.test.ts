import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runDifferential } from './differential.ts'
import { postgresEnv } from './postgres-env.ts'

test('the PostgreSQL store answers like MongoDB (differential against mingo)', async (t) => {
  const env = await postgresEnv('differential')
  if (typeof env === 'string') return t.skip(env)
  try {
    await runDifferential(t, () => connect(env.url), { numRuns: 150 })
  } finally {
    await env.drop()
  }
})
