// Live queries converge on SQLite (a file, WAL): after the fence, every observer holds find().

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { checkConvergence } from './convergence.ts'

test('SQLite: every live query equals a fresh find() after random writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-live-'))
  const db = await connect(`sqlite:${join(dir, 'live.db')}`)
  try {
    await checkConvergence({ db, numRuns: 150 })
  } finally {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
