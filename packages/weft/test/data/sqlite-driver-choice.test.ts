import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { connect, type Db } from 'weftjs/data'
import { parseSqliteUrl } from '../../src/data/stores/sqlite.ts'
import { openSqlite, type SqliteConnection } from '../../src/data/stores/sqlite-driver.ts'

test('the SQLite driver is picked by runtime, and a missing one names the package to install', async () => {
  const connection = await openSqlite(':memory:')
  const builtIn =
    typeof (process as { getBuiltinModule?: (name: string) => unknown }).getBuiltinModule === 'function'
  assert.ok(['node:sqlite', 'better-sqlite3'].includes(connection.driver))
  if (!builtIn) assert.equal(connection.driver, 'better-sqlite3', 'Node 20 has no node:sqlite')
  connection.close()
  await assert.rejects(openSqlite(':memory:', 'bun:sqlite'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'WEFT_DATA_MISSING_DRIVER')
    assert.match(error.message, /npm install better-sqlite3/)
    return true
  })
})

test('SQLite URLs: file, :memory:, durability and driver options', () => {
  assert.deepEqual(parseSqliteUrl('sqlite:./data/app.db'), {
    file: './data/app.db',
    driver: undefined,
    synchronous: 'NORMAL',
    busyTimeout: 5000,
    cacheSize: 64,
  })
  assert.equal(parseSqliteUrl('sqlite::memory:').file, ':memory:')
  assert.equal(parseSqliteUrl('sqlite:///var/lib/app.db').file, '/var/lib/app.db')
  const full = parseSqliteUrl(
    'sqlite:app.db?synchronous=full&driver=better-sqlite3&busyTimeout=100&cacheSize=256',
  )
  assert.deepEqual(
    [full.synchronous, full.driver, full.busyTimeout, full.cacheSize],
    ['FULL', 'better-sqlite3', 100, 256],
  )
  assert.throws(() => parseSqliteUrl('sqlite:app.db?synchronous=OFF'), /NORMAL or FULL/)
  for (const size of ['0', '-5', '1.5', 'lots', ''])
    assert.throws(
      () => parseSqliteUrl(`sqlite:app.db?cacheSize=${size}`),
      { code: 'WEFT_DATA_BAD_URL' },
      size,
    )
})

test('a SQLite store opens in WAL mode with the chosen synchronous level and page cache', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'weft-sqlite-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const pragma = (db: Db, name: string) =>
    (db.store as unknown as { db: SqliteConnection }).db.statement(`PRAGMA ${name}`, false).all([])[0]
  const plain = await connect(`sqlite:${join(dir, 'plain.db')}`)
  assert.deepEqual(pragma(plain, 'journal_mode'), { journal_mode: 'wal' })
  assert.deepEqual(pragma(plain, 'synchronous'), { synchronous: 1 })
  assert.deepEqual(pragma(plain, 'cache_size'), { cache_size: -64 * 1024 })
  await plain.close()
  const tuned = await connect(`sqlite:${join(dir, 'tuned.db')}?synchronous=FULL&cacheSize=8`)
  assert.deepEqual(pragma(tuned, 'synchronous'), { synchronous: 2 })
  assert.deepEqual(pragma(tuned, 'cache_size'), { cache_size: -8 * 1024 })
  await tuned.close()
})
