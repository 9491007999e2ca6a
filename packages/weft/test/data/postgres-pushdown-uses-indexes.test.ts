import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect } from 'weftjs/data'
import { postgresDialect } from '../../src/data/stores/postgres-dialect.ts'
import { exactQuery, planFind, rowCheckedQuery, supersetPlan } from '../../src/data/stores/sql-find.ts'
import { runIndexedDifferential } from './indexed-differential.ts'
import { postgresEnv } from './postgres-env.ts'

test('with indexes, PostgreSQL answers like the memory store', async (t) => {
  const env = await postgresEnv('indexed')
  if (typeof env === 'string') return t.skip(env)
  try {
    await runIndexedDifferential(t, () => connect(env.url), 100)
  } finally {
    await env.drop()
  }
})

test('indexed equality, ranges and the array probe are served by the indexes', async (t) => {
  const env = await postgresEnv('explain')
  if (typeof env === 'string') return t.skip(env)
  try {
    const db = await connect(env.url)
    const users = db.collection('users')
    const docs = Array.from({ length: 5000 }, (_, i) => ({
      email: `u${i}@x.io`,
      age: i % 90,
      profile: { city: `c${i % 50}` },
    }))
    await users.insertMany(docs)
    await users.createIndex({ email: 1 }, { unique: true })
    await users.createIndex({ age: 1 })
    await users.createIndex({ 'profile.city': 1 })
    await db.close()
    await env.client.query(`SET search_path TO "${env.schema}"`)
    await env.client.query('ANALYZE users')
    const plan = async (sql: string, params: unknown[]) => {
      const result = await env.client.query(`EXPLAIN ${sql}`, params)
      return result.rows.map((row) => row['QUERY PLAN']).join('\n')
    }

    const email = supersetPlan({ email: 'u7@x.io' }, postgresDialect)
    assert.match(
      await plan(`SELECT body FROM users WHERE ${email.where}`, email.params),
      /Index.*"users\.email_1"/,
    )

    const city = supersetPlan({ 'profile.city': 'c3' }, postgresDialect)
    assert.match(
      await plan(`SELECT body FROM users WHERE ${city.where}`, city.params),
      /"users\.profile\.city_1"/,
    )

    const target = { table: 'users', arrayIndexed: new Set(['age']) }
    const range = planFind(
      { age: { $gte: 30, $lt: 40 } },
      { sort: { age: -1 }, limit: 5 },
      postgresDialect,
      target,
    )
    assert.equal(range.kind, 'exact')
    if (range.kind !== 'exact') return
    const { orderBy } = exactQuery(range, postgresDialect, 'seq')
    const sql = `SELECT body FROM users WHERE ${range.where} ORDER BY ${orderBy} LIMIT 5`
    const ranged = await plan(sql, range.params)
    // A plain backward index scan: no sort step, even to keep ties in insertion order.
    assert.match(ranged, /Index Scan Backward using "users\.age_1"/)
    assert.doesNotMatch(ranged, /Sort/)
    const check = (found: typeof range, params: unknown[] = []) =>
      plan(`SELECT ${found.arrayCheck!(params)}`, params)
    // An indexed path: the array check is a lookup in its partial index.
    assert.match(await check(range), /users\.\$array\.age/)
    // An unindexed path beside it: checked only on the rows the index selects, never a table scan.
    const more = planFind({ age: 31, score: { $gt: 5 } }, { limit: 5 }, postgresDialect, target)
    assert.equal(more.kind, 'exact')
    if (more.kind !== 'exact') return
    const checked = await check(more)
    assert.match(checked, /users\.age_1/)
    assert.doesNotMatch(checked, /Seq Scan/)
    // Without a limit every candidate is read anyway: the check rides along, row by row,
    // on the same index.
    const all = planFind({ age: 31, score: { $gt: 5 } }, {}, postgresDialect, target)
    assert.ok(all.kind === 'exact' && all.rowCheck)
    const rowParams: unknown[] = []
    const rowSql = rowCheckedQuery(all, postgresDialect, 'users', 'seq', '', 'body', rowParams)
    const rowChecked = await plan(rowSql, rowParams)
    assert.match(rowChecked, /users\.age_1/)
    assert.doesNotMatch(rowChecked, /Seq Scan/)
  } finally {
    await env.drop()
  }
})
