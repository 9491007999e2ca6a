import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runDifferential } from './differential.ts'

test('the SQLite store answers like MongoDB (differential against mingo)', async (t) => {
  await runDifferential(t, () => connect('sqlite::memory:'), { numRuns: 300 })
})
