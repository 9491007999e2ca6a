import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runMigrations } from './migrations.ts'

test('memory: index diff and migrations', async (t) => {
  const db = await connect('memory:')
  // One Db: the concurrent runners share it, as two requests of one process would.
  await runMigrations(t, async () => db)
})
