import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runWriteSafety } from './write-safety.ts'

test('SQLite: unique indexes, all-or-nothing insertMany and transactions', async (t) => {
  await runWriteSafety(t, () => connect('sqlite::memory:'))
})
