// PostgreSQL plans a prepared statement again on every call when its generic plan looks
// costlier than a custom one, as an index range under a LIMIT does. A LIMIT read whose
// filter only names its sort fields has one right plan for any values, so it runs on
// connections that keep the generic plan; every other read keeps PostgreSQL's choice.
// pg_prepared_statements (per connection) counts which plans each statement ran with.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PostgresHost } from '../../src/data/stores/postgres-host.ts'
import { withPostgres } from './postgres-env.ts'

interface Prepared {
  statement: string
  generic_plans: string
  custom_plans: string
}

test('a LIMIT read filtered on its sort field is planned once; other reads keep the server’s choice', async (t) => {
  // pg warns (once a process) when a query is sent on a connection still busy with
  // another, which pg 9 will refuse: the setting must not race the first read.
  const warnings: string[] = []
  const warned = (warning: Error) => warnings.push(warning.message)
  process.on('warning', warned)
  t.after(() => process.off('warning', warned))
  await withPostgres(t, 'generic_plans', async (db) => {
    const people = db.collection('people')
    await people.createIndex({ age: -1 })
    const docs = Array.from({ length: 200 }, (_, i) => ({ _id: i, age: i % 50, city: `c${i % 7}` }))
    await people.insertMany(docs)
    type Person = (typeof docs)[number]
    const firstThree = (keep: (doc: Person) => boolean) =>
      docs
        .filter(keep)
        .sort((a, b) => b.age - a.age || a._id - b._id)
        .slice(0, 3)
    const sort = { age: -1 as const, _id: 1 as const }
    for (let lo = 0; lo < 40; lo += 5) {
      const found = await people.find({ age: { $gte: lo, $lt: lo + 5 } }, { sort, limit: 3 }).toArray()
      assert.deepEqual(
        found,
        firstThree((doc) => doc.age >= lo && doc.age < lo + 5),
      )
    }
    const inCity = await people.find({ city: 'c1' }, { sort, limit: 3 }).toArray()
    assert.deepEqual(
      inCity,
      firstThree((doc) => doc.city === 'c1'),
    )
    // Reads run one at a time, so the pool hands this query the connection they used.
    const host = db.store as unknown as PostgresHost
    const { rows } = await host.planOnceDb.query(
      'SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements',
    )
    const limited = (rows as Prepared[]).filter((row) => row.statement.includes('LIMIT 3'))
    assert.equal(limited.length, 1, 'only the read filtered on its sort field comes to these connections')
    assert.match(limited[0].statement, /age/)
    assert.doesNotMatch(limited[0].statement, /city/)
    assert.equal(Number(limited[0].custom_plans), 0)
    assert.equal(Number(limited[0].generic_plans), 8)
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(warnings, [])
  })
})
