// Live queries converge on PostgreSQL, with writes from this process only and with
// writes from a second process too (reaching this one through LISTEN/NOTIFY).

import { after, before, describe, test } from 'node:test'
import { connect, type Db } from 'weftjs/data'
import { type PostgresEnv, postgresEnv } from '../../data/postgres-env.ts'
import { checkConvergence } from './convergence.ts'
import { remoteWriter } from './writer.ts'

const env = await postgresEnv('live')
const skip = typeof env === 'string' ? env : false

describe('PostgreSQL live queries', { skip }, () => {
  let db: Db
  before(async () => {
    db = await connect((env as PostgresEnv).url)
  })
  after(async () => {
    await db?.close()
    await (env as PostgresEnv).drop()
  })

  test('every live query equals a fresh find() after random writes', async () => {
    await checkConvergence({ db, numRuns: 80 })
  })

  test('and with a second process writing at the same time', async () => {
    const writer = await remoteWriter((env as PostgresEnv).url)
    try {
      await checkConvergence({ db, numRuns: 60, remote: (name, ops) => writer.write(name, ops) })
    } finally {
      await writer.close()
    }
  })
})
