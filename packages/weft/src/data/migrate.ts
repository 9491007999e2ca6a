// `db.migrate(dir)`: runs the migration files of a folder, in order, each once.
//
// A migration is a module named `<number>-<name>.<js|mjs|ts|mts>` (`0001-add-email-index.ts`)
// exporting `up(db)` (or a default function). Files run by number; one whose name is
// recorded in the `_migrations` collection has run and is skipped. Each runs in a
// transaction with its record (memory, SQLite, PostgreSQL), so a migration that throws
// leaves nothing behind and is not recorded; the run stops there. On MongoDB, whose
// transactions need a replica set and refuse index builds, a migration runs on its own
// and is recorded once it succeeds. Runners take turns through a lock document in
// `_migrations_lock`, renewed while they run, taken over once it is `lockSeconds` stale
// (a runner that crashed).

import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Collection } from './collection.js'
import { DataError, DuplicateKeyError } from './errors.js'
import { objectId } from './objectid.js'

/**
 * What running migrations uses of a Db (db.ts). Named here rather than imported, since
 * db.ts imports this file for `db.migrate()`.
 */
export interface MigrationTarget {
  readonly kind: string
  collection<T>(name: string): Collection<T>
  transaction<T>(fn: () => Promise<T>): Promise<T>
}

export interface MigrateOptions {
  /** A lock not renewed for this long is taken over (default 300). */
  lockSeconds?: number
}

export interface MigrateReport {
  /** Names run now, in order. */
  ran: string[]
  /** Names recorded before this run. */
  skipped: string[]
}

const FILE = /^(\d+)-[A-Za-z0-9_.-]+\.(?:m?js|m?ts)$/
const CODE = /\.(?:c?m?js|c?m?ts)$/

export interface MigrationFile {
  /** The file's name without its extension: what `_migrations` records. */
  name: string
  number: number
  path: string
}

export async function migrate<D extends MigrationTarget>(
  db: D,
  dir: string,
  options: MigrateOptions = {},
): Promise<MigrateReport> {
  const files = await migrationFiles(dir)
  const lock = new MigrationLock(db, options.lockSeconds ?? 300)
  await lock.acquire()
  try {
    const records = db.collection<{ _id: string; ranAt: Date; ms: number }>('_migrations')
    const done = new Set((await records.find({}).toArray()).map((record) => record._id))
    const report: MigrateReport = { ran: [], skipped: [] }
    for (const file of files) {
      if (done.has(file.name)) {
        report.skipped.push(file.name)
        continue
      }
      const up = await load<D>(file)
      const started = performance.now()
      const run = async () => {
        await up(db)
        await records.insertOne({
          _id: file.name,
          ranAt: new Date(),
          ms: Math.round(performance.now() - started),
        })
      }
      try {
        await (db.kind === 'mongodb' ? run() : db.transaction(run))
      } catch (error) {
        throw new DataError(
          'WEFT_DATA_MIGRATION_FAILED',
          `Migration ${file.name} failed, nothing of it was kept and it is not recorded (${String(error)}). Fix it and run again.`,
          { cause: error },
        )
      }
      report.ran.push(file.name)
    }
    return report
  } finally {
    await lock.release()
  }
}

/** The migrations of `dir` in the order they run; a file misnamed or numbered twice throws. */
export async function migrationFiles(dir: string): Promise<MigrationFile[]> {
  const names = await readdir(dir).catch((error: unknown) => {
    throw badMigration(`Cannot read the migrations folder ${dir} (${String(error)}).`)
  })
  const files: MigrationFile[] = []
  for (const name of names) {
    // Helpers (`_shared.ts`), type declarations and other files are not migrations.
    if (name.startsWith('_') || name.endsWith('.d.ts') || !CODE.test(name)) continue
    const match = FILE.exec(name)
    if (!match)
      throw badMigration(
        `"${name}" is not a migration name: use <number>-<name>.ts, e.g. 0001-add-email-index.ts.`,
      )
    files.push({ name: name.replace(CODE, ''), number: Number(match[1]), path: resolve(join(dir, name)) })
  }
  files.sort((a, b) => a.number - b.number)
  for (let i = 1; i < files.length; i++) {
    if (files[i].number === files[i - 1].number)
      throw badMigration(`${files[i - 1].name} and ${files[i].name} have the same number; give each its own.`)
  }
  return files
}

async function load<D>(file: MigrationFile): Promise<(db: D) => Promise<void> | void> {
  const module = (await import(pathToFileURL(file.path).href)) as { up?: unknown; default?: unknown }
  const up = module.up ?? module.default
  if (typeof up !== 'function') throw badMigration(`Migration ${file.name} exports no up(db) function.`)
  return up as (db: D) => Promise<void> | void
}

function badMigration(message: string): DataError {
  return new DataError('WEFT_DATA_BAD_MIGRATION', message)
}

/** One runner at a time, through a document only one insert can create. */
class MigrationLock {
  readonly #locks
  readonly #owner = objectId()
  readonly #seconds: number
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(db: MigrationTarget, seconds: number) {
    this.#locks = db.collection<{ _id: string; owner: string; until: Date }>('_migrations_lock')
    this.#seconds = seconds
  }

  async acquire(): Promise<void> {
    for (let wait = 25; ; wait = Math.min(wait * 2, 1000)) {
      if (await this.#take()) break
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
    // Renewed while migrations run, so only a runner that stopped loses it.
    this.#timer = setInterval(() => void this.#renew().catch(() => {}), (this.#seconds * 1000) / 3)
    ;(this.#timer as { unref?: () => void }).unref?.()
  }

  async release(): Promise<void> {
    clearInterval(this.#timer)
    await this.#locks.deleteOne({ _id: 'lock', owner: this.#owner })
  }

  async #take(): Promise<boolean> {
    try {
      await this.#locks.insertOne({ _id: 'lock', owner: this.#owner, until: this.#until() })
      return true
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error
    }
    const stale = await this.#locks.updateOne(
      { _id: 'lock', until: { $lt: new Date() } },
      { $set: { owner: this.#owner, until: this.#until() } },
    )
    return stale.modifiedCount === 1
  }

  async #renew(): Promise<void> {
    await this.#locks.updateOne({ _id: 'lock', owner: this.#owner }, { $set: { until: this.#until() } })
  }

  #until(): Date {
    return new Date(Date.now() + this.#seconds * 1000)
  }
}
