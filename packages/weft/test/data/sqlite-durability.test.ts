import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { killAndCheck } from './durability.ts'
import { killMethodsAndCheck } from './method-durability.ts'

const Database = createRequire(import.meta.url)('better-sqlite3')

test('SQLite keeps every acknowledged write when the process is killed (WAL, synchronous=NORMAL)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-durability-'))
  const file = join(dir, 'app.db')
  try {
    const checked = await killAndCheck(`sqlite:${file}`)
    assert.ok(checked >= 400)
    const raw = new Database(file)
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal')
    assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok')
    raw.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('SQLite keeps every write a realtime method acknowledged when the app is killed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-durability-'))
  const file = join(dir, 'app.db')
  try {
    assert.ok((await killMethodsAndCheck(`sqlite:${file}`)) >= 400)
    const raw = new Database(file)
    assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok')
    raw.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
