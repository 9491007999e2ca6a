import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runMultikeyUnique } from './multikey-unique.ts'

test('memory: unique indexes on arrays key each element, like MongoDB', async (t) => {
  await runMultikeyUnique(t, () => connect('memory:'), { numRuns: 150 })
})
