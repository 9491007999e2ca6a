import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { runMigrations } from './migrations.ts'

test('SQLite: index diff and migrations', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-migrate-'))
  try {
    // A file, so that the concurrent runners are two connections.
    await runMigrations(t, () => connect(`sqlite:${join(dir, 'app.db')}`))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
