import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runAggregateDifferential } from './aggregate-differential.ts'

test('aggregate() on the SQLite store answers like mingo', async (t) => {
  await runAggregateDifferential(t, () => connect('sqlite::memory:'), { numRuns: 200, pushesGroups: true })
})
