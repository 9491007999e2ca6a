import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runAggregateDifferential } from './aggregate-differential.ts'
import { postgresEnv } from './postgres-env.ts'

test('aggregate() on the PostgreSQL store answers like mingo', async (t) => {
  const env = await postgresEnv('aggregate')
  if (typeof env === 'string') return t.skip(env)
  try {
    await runAggregateDifferential(t, () => connect(env.url), { numRuns: 100, pushesGroups: true })
  } finally {
    await env.drop()
  }
})
