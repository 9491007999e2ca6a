import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { parseSqliteUrl } from '../../src/data/stores/sqlite.ts'
import { openSqlite } from '../../src/data/stores/sqlite-driver.ts'

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
  })
  assert.equal(parseSqliteUrl('sqlite::memory:').file, ':memory:')
  assert.equal(parseSqliteUrl('sqlite:///var/lib/app.db').file, '/var/lib/app.db')
  const full = parseSqliteUrl('sqlite:app.db?synchronous=full&driver=better-sqlite3&busyTimeout=100')
  assert.deepEqual([full.synchronous, full.driver, full.busyTimeout], ['FULL', 'better-sqlite3', 100])
  assert.throws(() => parseSqliteUrl('sqlite:app.db?synchronous=OFF'), /NORMAL or FULL/)
})

test('a SQLite store opens in WAL mode with the chosen synchronous level', async () => {
  const db = await connect('sqlite::memory:')
  const docs = db.collection('docs')
  await docs.insertOne({ _id: 'a' })
  assert.equal((await docs.findOne({ _id: 'a' }))?._id, 'a')
  await db.close()
})
