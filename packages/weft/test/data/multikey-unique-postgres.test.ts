import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runMultikeyUnique } from './multikey-unique.ts'
import { postgresEnv } from './postgres-env.ts'

test('PostgreSQL: unique indexes on arrays key each element, like MongoDB', async (t) => {
  const env = await postgresEnv('multikey')
  if (typeof env === 'string') return t.skip(env)
  try {
    await runMultikeyUnique(t, () => connect(env.url), { numRuns: 60 })
  } finally {
    await env.drop()
  }
})
