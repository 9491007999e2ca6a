// Live queries converge on the memory store: after the fence, every observer holds find().

import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { checkConvergence } from './convergence.ts'

test('memory: every live query equals a fresh find() after random writes', async () => {
  const db = await connect('memory:')
  await checkConvergence({ db, numRuns: 200 })
  await db.close()
})
