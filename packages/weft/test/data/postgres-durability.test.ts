import assert from 'node:assert/strict'
import { test } from 'node:test'
import { killAndCheck } from './durability.ts'
import { postgresEnv } from './postgres-env.ts'

test('PostgreSQL keeps every acknowledged write when the process is killed', async (t) => {
  const env = await postgresEnv('durability')
  if (typeof env === 'string') return t.skip(env)
  try {
    assert.ok((await killAndCheck(env.url)) >= 400)
  } finally {
    await env.drop()
  }
})
