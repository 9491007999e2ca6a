// Publications and methods over real sockets on PostgreSQL (its own schema, dropped after).
import { after, before } from 'node:test'
import { connect } from 'weftjs/data'
import { type PostgresEnv, postgresEnv } from '../../data/postgres-env.ts'
import { liveDataSuite } from './suite.ts'

let env: PostgresEnv | string
before(async () => {
  env = await postgresEnv('livewire')
})
after(async () => {
  if (typeof env !== 'string') await env.drop()
})
liveDataSuite('PostgreSQL', async () => {
  if (typeof env === 'string') throw new Error(`PostgreSQL is needed: ${env}`)
  return connect(env.url)
})
