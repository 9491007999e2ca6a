import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runHostileQueries } from './hostile-queries.ts'

test('memory: hostile filters over HTTP answer 400 and never stall the process', async (t) => {
  await runHostileQueries(t, () => connect('memory:'))
})
