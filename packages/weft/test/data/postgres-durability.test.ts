import assert from 'node:assert/strict'
import { test } from 'node:test'
import { killAndCheck } from './durability.ts'
import { killMethodsAndCheck } from './method-durability.ts'
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

test('PostgreSQL keeps every write a realtime method acknowledged when the app is killed', async (t) => {
  const env = await postgresEnv('method_durability')
  if (typeof env === 'string') return t.skip(env)
  try {
    assert.ok((await killMethodsAndCheck(env.url)) >= 400)
  } finally {
    await env.drop()
  }
})
