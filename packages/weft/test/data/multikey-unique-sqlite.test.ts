import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runMultikeyUnique } from './multikey-unique.ts'

test('SQLite: unique indexes on arrays key each element, like MongoDB', async (t) => {
  await runMultikeyUnique(t, () => connect('sqlite::memory:'), { numRuns: 150 })
})
