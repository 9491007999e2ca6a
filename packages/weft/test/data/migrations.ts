// Index diff and the migration runner, the same on every store: `db.indexDiff()` compares
// declared indexes with recorded ones; `db.migrate(dir)` runs each file once, in order,
// atomically with its record, one runner at a time.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import type { Db } from 'weftjs/data'

/** `makeDb` opens the same database each time (two Dbs are two runners). */
export async function runMigrations(t: TestContext, makeDb: () => Promise<Db>): Promise<void> {
  const db = await makeDb()
  const dirs: string[] = []
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-migrations-'))
    dirs.push(dir)
    for (const [name, code] of Object.entries(files)) writeFileSync(join(dir, name), code)
    return dir
  }
  try {
    await t.test('indexDiff reports what to create, drop and change', async () => {
      const users = db.collection('diff_users', undefined, {
        indexes: [{ keys: { email: 1 }, unique: true }, { keys: { city: 1, age: -1 } }],
      })
      const before = await db.indexDiff()
      assert.deepEqual(
        before.create.map((entry) => [entry.collection, entry.index.name, entry.index.unique]),
        [
          ['diff_users', 'email_1', true],
          ['diff_users', 'city_1_age_-1', false],
        ],
      )
      await users.insertOne({ email: 'a@x.io' })
      await users.createIndex({ legacy: 1 })
      const after = await db.indexDiff()
      assert.deepEqual(after.create, [])
      assert.deepEqual(after.changed, [])
      assert.deepEqual(after.drop, [
        { collection: 'diff_users', index: { name: 'legacy_1', keys: { legacy: 1 }, unique: false } },
      ])
      // Declared again, with email no longer unique.
      db.collection('diff_users', undefined, {
        indexes: [{ keys: { email: 1 } }, { keys: { city: 1, age: -1 } }],
      })
      const changed = await db.indexDiff()
      assert.equal(changed.changed.length, 1)
      assert.equal(changed.changed[0].declared.unique, false)
      assert.equal(changed.changed[0].existing.unique, true)
      await users.dropIndex('legacy_1')
      await users.dropIndex('no_such_index')
      assert.deepEqual(
        (await users.indexes()).map((index) => index.name),
        ['email_1', 'city_1_age_-1'],
      )
    })

    await t.test('createIndex refuses a second index under a name in use', async () => {
      const things = db.collection('diff_things')
      await things.createIndex({ a: 1 }, { name: 'by_a' })
      assert.equal(await things.createIndex({ a: 1 }, { name: 'by_a' }), 'by_a')
      await assert.rejects(things.createIndex({ b: 1 }, { name: 'by_a' }), {
        code: 'WEFT_DATA_INDEX_CONFLICT',
      })
      // A dropped unique index refuses nothing any more.
      await things.createIndex({ c: 1 }, { unique: true })
      await things.insertOne({ c: 1 })
      await assert.rejects(things.insertOne({ c: 1 }), { code: 'WEFT_DATA_DUPLICATE_KEY' })
      await things.dropIndex('c_1')
      await things.insertOne({ c: 1 })
    })

    await t.test('migrations run in order, once; a failing one keeps nothing and stops the run', async () => {
      const dir = folder({
        '0002-seed.mjs': `export async function up(db) { await db.collection('mig_items').insertOne({ _id: 'seed', sku: 'seed', order: await db.collection('mig_items').countDocuments({}) }) }`,
        '0001-index.mjs': `export default async function (db) { await db.collection('mig_items').createIndex({ sku: 1 }, { unique: true }) }`,
        '_helper.mjs': 'export const notAMigration = true',
        'README.md': 'notes',
      })
      assert.deepEqual(await db.migrate(dir), { ran: ['0001-index', '0002-seed'], skipped: [] })
      assert.deepEqual(await db.migrate(dir), { ran: [], skipped: ['0001-index', '0002-seed'] })
      assert.deepEqual(
        (
          await db
            .collection('_migrations')
            .find({}, { sort: { _id: 1 } })
            .toArray()
        ).map((record) => record._id),
        ['0001-index', '0002-seed'],
      )
      writeFileSync(
        join(dir, '0003-broken.mjs'),
        `export async function up(db) { await db.collection('mig_items').insertOne({ _id: 'half', sku: 'half' }); throw new Error('typo in migration') }`,
      )
      writeFileSync(
        join(dir, '0004-later.mjs'),
        `export async function up(db) { await db.collection('mig_items').insertOne({ _id: 'later', sku: 'later' }) }`,
      )
      await assert.rejects(db.migrate(dir), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'WEFT_DATA_MIGRATION_FAILED')
        assert.match(error.message, /0003-broken.*typo in migration/)
        return true
      })
      const ids = async () =>
        (
          await db
            .collection('mig_items')
            .find({}, { sort: { _id: 1 } })
            .toArray()
        ).map((doc) => doc._id)
      // MongoDB runs a migration without a transaction: its writes before the throw stay.
      assert.deepEqual(await ids(), db.kind === 'mongodb' ? ['half', 'seed'] : ['seed'])
      rmSync(join(dir, '0003-broken.mjs'))
      writeFileSync(join(dir, '0003-fixed.mjs'), 'export async function up() {}')
      assert.deepEqual(await db.migrate(dir), {
        ran: ['0003-fixed', '0004-later'],
        skipped: ['0001-index', '0002-seed'],
      })
      assert.ok((await ids()).includes('later'))
    })

    await t.test(
      'a migration folder with a bad name, a repeated number or no up() is refused before anything runs',
      async () => {
        const bad = async (files: Record<string, string>, message: RegExp) =>
          assert.rejects(db.migrate(folder(files)), (error: Error & { code?: string }) => {
            assert.equal(error.code, 'WEFT_DATA_BAD_MIGRATION')
            assert.match(error.message, message)
            return true
          })
        const ok = 'export async function up(db) { await db.collection("mig_bad").insertOne({}) }'
        await bad({ '1-a.mjs': ok, 'add-index.mjs': ok }, /add-index\.mjs.*<number>-<name>/)
        await bad({ '1-a.mjs': ok, '01-b.mjs': ok }, /same number/)
        await bad({ '1-nothing.mjs': 'export const x = 1' }, /exports no up/)
        await assert.rejects(db.migrate(join(tmpdir(), 'weft-no-such-folder')), {
          code: 'WEFT_DATA_BAD_MIGRATION',
        })
        assert.equal(await db.collection('mig_bad').countDocuments({}), 0)
      },
    )

    await t.test('concurrent runners run each migration once', async () => {
      const dir = folder(
        Object.fromEntries(
          [1, 2, 3, 4].map((n) => [
            `${n}-count.mjs`,
            `export async function up(db) { await db.collection('mig_counts').updateOne({ _id: 'n${n}' }, { $inc: { runs: 1 } }, { upsert: true }) }`,
          ]),
        ),
      )
      const other = await makeDb()
      try {
        const reports = await Promise.all([db.migrate(dir), other.migrate(dir), db.migrate(dir)])
        const ran = reports.flatMap((report) => report.ran).sort()
        assert.deepEqual(ran, ['1-count', '2-count', '3-count', '4-count'])
        const counts = await db
          .collection('mig_counts')
          .find({}, { sort: { _id: 1 } })
          .toArray()
        assert.deepEqual(
          counts.map((doc) => doc.runs),
          [1, 1, 1, 1],
        )
      } finally {
        if (other !== db) await other.close()
      }
    })

    await t.test('a lock left by a runner that stopped is taken over once stale', async () => {
      await db
        .collection('_migrations_lock')
        .insertOne({ _id: 'lock', owner: 'crashed', until: new Date(Date.now() - 1000) })
      const dir = folder({ '1-after-crash.mjs': 'export async function up() {}' })
      assert.deepEqual((await db.migrate(dir)).ran, ['1-after-crash'])
      assert.equal(await db.collection('_migrations_lock').countDocuments({}), 0)
    })
  } finally {
    await db.close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  }
}
