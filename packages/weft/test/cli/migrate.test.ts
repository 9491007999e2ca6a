import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { connect } from 'weftjs/data'
import { postgresEnv } from '../data/postgres-env.ts'
import { runIn } from './app-process.ts'

// `weft migrate`, run from the sources in a folder of its own, on SQLite and PostgreSQL:
// TypeScript migrations with a helper they import, run once each and in order, a failing
// one leaving nothing behind, and what `status` and `new` print.
const main = join(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.ts')
const tsx = import.meta.resolve('tsx')
const scratch = mkdtempSync(join(tmpdir(), 'weft-migrate-'))
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
delete env.DATABASE_URL
const weft = (cwd: string, ...args: string[]) =>
  runIn(cwd, env, process.execPath, ['--import', tsx, '--conditions=source', main, ...args])

after(() => rmSync(scratch, { recursive: true, force: true }))

/** A folder with a package.json and a tsconfig.json, as an app has. */
function project(name: string): string {
  const dir = join(scratch, name)
  mkdirSync(dir)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, type: 'module' }))
  writeFileSync(join(dir, 'tsconfig.json'), '{}')
  return dir
}

const EMAIL_INDEX = `import type { Db } from 'weftjs/data'

export async function up(db: Db): Promise<void> {
  await db.collection('users').createIndex({ email: 1 }, { unique: true })
}
`
const USERS = `export const users = [
  { _id: 'ada', email: 'ada@example.com' },
  { _id: 'alan', email: 'alan@example.com' },
]
`
const SEED = `import type { Db } from 'weftjs/data'
import { users } from './_users.ts'

export async function up(db: Db): Promise<void> {
  await db.collection('users').insertMany(users)
}
`
// Its first write succeeds, its second breaks the unique index of 0001.
const BROKEN = `import type { Db } from 'weftjs/data'

export async function up(db: Db): Promise<void> {
  await db.collection('users').insertOne({ _id: 'grace', email: 'grace@example.com' })
  await db.collection('users').insertOne({ _id: 'ada-again', email: 'ada@example.com' })
}
`

/** Creates the next migration with `weft migrate new` and writes `code` into it. */
function addMigration(dir: string, name: string, code: string, ...flags: string[]): string {
  const created = weft(dir, 'migrate', 'new', name, ...flags)
  assert.equal(created.status, 0, created.output)
  const file = /created (\S+)/.exec(created.output)![1]
  writeFileSync(join(dir, file), code)
  return file
}

async function usersIn(url: string): Promise<string[]> {
  const db = await connect(url)
  try {
    return (
      await db
        .collection<{ _id: string }>('users')
        .find({}, { sort: { _id: 1 } })
        .toArray()
    ).map((user) => user._id)
  } finally {
    await db.close()
  }
}

function migrateEverywhere(label: string, urlOf: (dir: string) => Promise<string | null>) {
  test(`${label}: runs what has not run, once and in order; a failing migration keeps nothing`, async (t) => {
    const dir = project(label.toLowerCase())
    const url = await urlOf(dir)
    if (url === null) return t.skip('no PostgreSQL here (see the data tests)')
    writeFileSync(join(dir, '.env'), `PORT=3000\nDATABASE_URL=${url}\n`)
    assert.equal(
      addMigration(dir, 'add-email-index', EMAIL_INDEX),
      join('migrations', '0001-add-email-index.ts'),
    )
    writeFileSync(join(dir, 'migrations', '_users.ts'), USERS)
    assert.equal(addMigration(dir, 'seed-users', SEED), join('migrations', '0002-seed-users.ts'))

    const pending = weft(dir, 'migrate', 'status')
    assert.equal(pending.status, 0, pending.output)
    assert.match(
      pending.output,
      /· 0001-add-email-index\s+not run yet\n {2}· 0002-seed-users\s+not run yet\n/,
    )
    assert.match(pending.output, /2 not run yet: run `weft migrate`/)

    const first = weft(dir, 'migrate')
    assert.equal(first.status, 0, first.output)
    assert.match(
      first.output,
      /✓ 0001-add-email-index\s+\d+ ms\n {2}✓ 0002-seed-users\s+\d+ ms\n2 run now, 0 had run before/,
    )
    assert.deepEqual(await usersIn(url), ['ada', 'alan'])
    assert.equal(readdirSync(join(dir, '.weft')).length, 0, 'the compiled files are removed')

    const again = weft(dir, 'migrate')
    assert.equal(again.status, 0, again.output)
    assert.match(again.output, /nothing to run: 2 had run before/)

    addMigration(dir, 'broken', BROKEN)
    const failed = weft(dir, 'migrate')
    assert.equal(failed.status, 1, failed.output)
    assert.match(failed.output, /Migration 0003-broken failed, nothing of it was kept/)
    assert.match(failed.output, /next: fix the migration and run `weft migrate` again/)
    assert.deepEqual(await usersIn(url), ['ada', 'alan'], 'the first write of the failed migration is gone')

    const after = weft(dir, 'migrate', 'status')
    assert.match(after.output, /✓ 0001-add-email-index\s+ran \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, \d+ ms/)
    assert.match(after.output, /✓ 0002-seed-users\s+ran /)
    assert.match(after.output, /· 0003-broken\s+not run yet\n1 not run yet/)

    writeFileSync(
      join(dir, 'migrations', '0003-broken.ts'),
      BROKEN.replace("'ada@example.com'", "'ada2@example.com'"),
    )
    const mended = weft(dir, 'migrate')
    assert.equal(mended.status, 0, mended.output)
    assert.match(mended.output, /✓ 0003-broken\s+\d+ ms\n1 run now, 2 had run before/)
    assert.deepEqual(await usersIn(url), ['ada', 'ada-again', 'alan', 'grace'])
  })
}

describe('weft migrate', () => {
  migrateEverywhere('SQLite', async (dir) => `sqlite:${join(dir, 'data', 'app.db')}`)

  let drop: (() => Promise<void>) | undefined
  after(async () => drop?.())
  migrateEverywhere('PostgreSQL', async () => {
    const env = await postgresEnv('cli_migrate')
    if (typeof env === 'string') return null
    drop = env.drop
    return env.url
  })

  test('new numbers after the last file, in its language; a bad name is a usage error', () => {
    const dir = project('numbering')
    mkdirSync(join(dir, 'db'))
    writeFileSync(join(dir, 'db', '0041-older.mjs'), 'export async function up() {}\n')
    const created = weft(dir, 'migrate', 'new', 'add-tags', '--dir', 'db/')
    assert.equal(created.status, 0, created.output)
    assert.match(
      created.output,
      /created db\/0042-add-tags\.mjs\nnext: write its up\(db\), then run `weft migrate`/,
    )
    assert.match(readFileSync(join(dir, 'db', '0042-add-tags.mjs'), 'utf8'), /export async function up\(db\)/)

    const typed = weft(project('typed'), 'migrate', 'new', 'first')
    assert.match(typed.output, /created migrations\/0001-first\.ts/)

    for (const args of [['new'], ['new', 'two words'], ['new', 'a/b'], ['sideways']]) {
      const wrong = weft(dir, 'migrate', ...args)
      assert.equal(wrong.status, 2, `${args.join(' ')}: ${wrong.output}`)
      assert.match(wrong.output, /next: /)
    }
  })

  test('without a database URL, a folder or good file names, it says what to do', () => {
    const dir = project('lost')
    const noUrl = weft(dir, 'migrate')
    assert.equal(noUrl.status, 1, noUrl.output)
    assert.match(
      noUrl.output,
      /no database to migrate\nnext: set DATABASE_URL \(in the environment or \.env\), or pass --db <url>/,
    )

    const url = `sqlite:${join(dir, 'app.db')}`
    const noFolder = weft(dir, 'migrate', '--db', url)
    assert.equal(noFolder.status, 1, noFolder.output)
    assert.match(
      noFolder.output,
      /there is no folder migrations\nnext: create the first migration with `weft migrate new <name>`/,
    )

    mkdirSync(join(dir, 'migrations'))
    writeFileSync(join(dir, 'migrations', 'add-index.ts'), 'export async function up() {}\n')
    const misnamed = weft(dir, 'migrate', '--db', url)
    assert.equal(misnamed.status, 1, misnamed.output)
    assert.match(misnamed.output, /"add-index\.ts" is not a migration name/)
    assert.match(misnamed.output, /next: rename or fix the file/)

    rmSync(join(dir, 'migrations', 'add-index.ts'))
    writeFileSync(join(dir, 'migrations', '0001-typo.ts'), 'export async function up( {\n')
    const broken = weft(dir, 'migrate', '--db', url)
    assert.equal(broken.status, 1, broken.output)
    assert.match(broken.output, /migrations\/0001-typo\.ts:2:0/)
    assert.match(broken.output, /next: fix them and run `weft migrate` again/)

    const unreachable = weft(dir, 'migrate', 'status', '--db', 'postgres://weft:secret@127.0.0.1:1/app')
    assert.equal(unreachable.status, 1, unreachable.output)
    assert.match(
      unreachable.output,
      /postgres:\/\/weft:\*\*\*@127\.0\.0\.1:1\/app/,
      'the password is not printed',
    )
    assert.doesNotMatch(unreachable.output, /secret/)
    assert.match(unreachable.output, /next: check the database URL/)
    assert.equal(existsSync(join(dir, '.weft')) ? readdirSync(join(dir, '.weft')).length : 0, 0)
  })
})
