import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runAggregateDifferential } from './aggregate-differential.ts'

test('aggregate() on the memory store answers like mingo', async (t) => {
  await runAggregateDifferential(t, () => connect('memory:'), { numRuns: 300 })
})
