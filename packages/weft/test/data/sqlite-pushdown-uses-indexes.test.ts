import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { exactQuery, planFind, rowCheckedQuery, supersetPlan } from '../../src/data/stores/sql-find.ts'
import { sqliteDialect } from '../../src/data/stores/sqlite-dialect.ts'
import { runIndexedDifferential } from './indexed-differential.ts'

const Database = createRequire(import.meta.url)('better-sqlite3')

test('with indexes, SQLite answers like the memory store', async (t) => {
  await runIndexedDifferential(t, () => connect('sqlite::memory:'))
})

test('indexed equality, ranges and the array probe are served by the indexes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-sqlite-'))
  const file = join(dir, 'app.db')
  try {
    const db = await connect(`sqlite:${file}`)
    const users = db.collection('users')
    await users.insertMany(
      Array.from({ length: 500 }, (_, i) => ({
        email: `u${i}@x.io`,
        age: i % 90,
        profile: { city: `c${i % 7}` },
      })),
    )
    await users.createIndex({ email: 1 }, { unique: true })
    await users.createIndex({ age: 1 })
    await users.createIndex({ 'profile.city': 1 })
    await db.close()

    const raw = new Database(file, { readonly: true })
    const plan = (sql: string, params: unknown[]) =>
      raw
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((row: { detail: string }) => row.detail)
        .join(' | ')

    const email = supersetPlan({ email: 'u7@x.io' }, sqliteDialect)
    assert.match(
      plan(`SELECT doc FROM "users" WHERE ${email.where}`, email.params),
      /USING INDEX "?users\.email_1/,
    )

    const city = supersetPlan({ 'profile.city': 'c3' }, sqliteDialect)
    assert.match(plan(`SELECT doc FROM "users" WHERE ${city.where}`, city.params), /users\.profile\.city_1/)

    const target = { table: '"users"', arrayIndexed: new Set(['age']) }
    const range = planFind(
      { age: { $gte: 30, $lt: 40 } },
      { sort: { age: -1 }, limit: 5 },
      sqliteDialect,
      target,
    )
    assert.equal(range.kind, 'exact')
    if (range.kind !== 'exact') return
    const { orderBy } = exactQuery(range, sqliteDialect, 'rowid')
    const ranged = plan(
      `SELECT doc FROM "users" WHERE ${range.where} ORDER BY ${orderBy} LIMIT 5`,
      range.params,
    )
    // A plain backward index scan: no sort step, even to keep ties in insertion order.
    assert.match(ranged, /USING INDEX "?users\.age_1/)
    assert.doesNotMatch(ranged, /TEMP B-TREE/)
    const check = (found: typeof range, params: unknown[] = []) =>
      plan(`SELECT ${found.arrayCheck!(params)}`, params)
    // An indexed path: the array check is a lookup in its partial index.
    assert.match(check(range), /users\.\$array\.age/)
    // An unindexed path beside it: checked only on the rows the index selects, never a table scan.
    const more = planFind({ age: 31, score: { $gt: 5 } }, { limit: 5 }, sqliteDialect, target)
    assert.equal(more.kind, 'exact')
    if (more.kind !== 'exact') return
    const checked = check(more)
    assert.match(checked, /users\.age_1/)
    assert.doesNotMatch(checked, /SCAN users(?! USING)/)
    // Without a limit every candidate is read anyway: the check rides along, row by row,
    // on the same index.
    const all = planFind({ age: 31, score: { $gt: 5 } }, {}, sqliteDialect, target)
    assert.ok(all.kind === 'exact' && all.rowCheck)
    const rowParams: unknown[] = []
    const rowSql = rowCheckedQuery(all, sqliteDialect, '"users"', 'rowid', '', 'doc', rowParams)
    const rowChecked = plan(rowSql, rowParams)
    assert.match(rowChecked, /users\.age_1/)
    assert.doesNotMatch(rowChecked, /SCAN users(?! USING)/)
    raw.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
