// `weft migrate`: the migrations of weftjs/data (`db.migrate(dir)`, see docs/data.md) from
// the command line. Node runs no TypeScript by itself, so the files are compiled into
// .weft/ first, each with the helpers it imports; packages stay in node_modules.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { Db } from '../../data/db.js'
import { DataError } from '../../data/errors.js'
import { type MigrationFile, migrationFiles } from '../../data/migrate.js'
import { loadEsbuild, TO_IMPORT } from '../esbuild.js'
import { bold, CliError, dim, EXIT, green, log } from '../output.js'
import { databaseUrl } from '../project.js'
import { buildFailure } from './build.js'

export const migrateHelp = `Usage: weft migrate [status | new <name>] [--dir migrations] [--db <url>]

Runs the migrations that have not run yet, in order, each in a transaction together
with its record in the _migrations collection; processes started at once take turns.
A migration is a file <number>-<name>.ts (.mts, .js or .mjs) exporting up(db).

  weft migrate              run the migrations not run yet
  weft migrate status       list them: when each ran and how long it took, or not yet
  weft migrate new <name>   create the next file, e.g. migrations/0001-<name>.ts

  --dir            the migrations folder (default: migrations)
  --db             the database URL (default: DATABASE_URL from the environment, .env
                   or .env.example)
`

type Flags = { dir?: string; db?: string }

interface MigrationRecord {
  _id: string
  ranAt: Date
  ms: number
}

export async function migrate(positionals: string[], flags: Flags): Promise<number> {
  const [action = 'up', ...rest] = positionals
  const dir = (flags.dir ?? 'migrations').replace(/(.)\/+$/, '$1')
  if (action === 'new') return create(dir, rest)
  if ((action !== 'up' && action !== 'status') || rest.length > 0)
    throw new CliError(
      `unknown migrate command "${positionals.join(' ')}"`,
      'run `weft migrate --help`',
      EXIT.usage,
    )
  const url = flags.db ?? databaseUrl(process.cwd())
  if (!url)
    throw new CliError(
      'no database to migrate',
      'set DATABASE_URL (in the environment or .env), or pass --db <url>',
    )
  if (!existsSync(dir))
    throw new CliError(
      `there is no folder ${dir}`,
      'create the first migration with `weft migrate new <name>`, or pass --dir',
    )
  log(bold(`weft migrate${action === 'status' ? ' status' : ''}: ${shown(url)}, ${dir}/`))
  try {
    const files = await migrationFiles(dir)
    const { connect } = await import('../../data/connect.js')
    const db = await connect(url)
    try {
      return action === 'status' ? await status(db, files, dir) : await runPending(db, files)
    } finally {
      await db.close()
    }
  } catch (error) {
    toCliError(error)
  }
}

async function runPending(db: Db, files: MigrationFile[]): Promise<number> {
  const compiled = await compile(files)
  try {
    const report = await db.migrate(compiled)
    const records = await recordsOf(db)
    const width = Math.max(0, ...report.ran.map((name) => name.length))
    for (const name of report.ran)
      log(`  ${green('✓')} ${name.padEnd(width)}  ${dim(`${records.get(name)?.ms ?? '?'} ms`)}`)
    const before = `${report.skipped.length} had run before`
    log(report.ran.length === 0 ? `nothing to run: ${before}` : `${report.ran.length} run now, ${before}`)
    return EXIT.ok
  } finally {
    rmSync(compiled, { recursive: true, force: true })
  }
}

async function status(db: Db, files: MigrationFile[], dir: string): Promise<number> {
  const records = await recordsOf(db)
  const width = Math.max(
    0,
    ...[...files.map((file) => file.name), ...records.keys()].map((name) => name.length),
  )
  let pending = 0
  for (const file of files) {
    const record = records.get(file.name)
    if (!record) pending++
    log(`  ${record ? green('✓') : '·'} ${file.name.padEnd(width)}  ${record ? ran(record) : 'not run yet'}`)
  }
  const names = new Set(files.map((file) => file.name))
  for (const record of records.values()) {
    if (!names.has(record._id)) log(`  ? ${record._id.padEnd(width)}  ${ran(record)}, no file in ${dir}/`)
  }
  log(pending === 0 ? 'every migration has run' : `${pending} not run yet: run \`weft migrate\``)
  return EXIT.ok
}

async function recordsOf(db: Db): Promise<Map<string, MigrationRecord>> {
  const records = await db.collection<MigrationRecord>('_migrations').find({}).toArray()
  return new Map(records.map((record) => [record._id, record]))
}

const ran = (record: MigrationRecord) =>
  `ran ${new Date(record.ranAt).toISOString().replace('T', ' ').slice(0, 19)} UTC, ${record.ms} ms`

/** The files compiled into a folder of their own under .weft/, by the same names. */
async function compile(files: MigrationFile[]): Promise<string> {
  const outdir = join(process.cwd(), '.weft', `migrations-${process.pid}`)
  const esbuild = await loadEsbuild(process.cwd())
  try {
    await esbuild.build({
      absWorkingDir: process.cwd(),
      entryPoints: files.map((file) => file.path),
      outdir,
      entryNames: '[name]',
      outExtension: { '.js': '.mjs' },
      ...TO_IMPORT,
    })
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true })
    throw buildFailure(esbuild, error, 'weft migrate')
  }
  return outdir
}

/** `weft migrate new <name>`: the next number, in the language of the files before it. */
async function create(dir: string, args: string[]): Promise<number> {
  const [name, ...extra] = args
  if (!name || extra.length > 0 || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new CliError(
      name ? `"${args.join(' ')}" cannot be a migration name` : 'the migration needs a name',
      'weft migrate new <name>, with letters, digits, "-", "_" or "." (e.g. add-email-index)',
      EXIT.usage,
    )
  }
  const files = existsSync(dir) ? await migrationFiles(dir).catch(toCliError) : []
  const last = files.at(-1)
  const digits = Math.max(4, ...files.map((file) => file.name.indexOf('-')))
  const number = String((last?.number ?? 0) + 1).padStart(digits, '0')
  const typed = last ? /\.m?ts$/.test(last.path) : existsSync('tsconfig.json')
  const file = join(dir, `${number}-${name}${last ? extname(last.path) : typed ? '.ts' : '.mjs'}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(file, typed ? TYPESCRIPT : JAVASCRIPT)
  log(`${green('created')} ${file}`)
  log(dim('next: write its up(db), then run `weft migrate`'))
  return EXIT.ok
}

const EXAMPLE = `  // Runs once, in a transaction with its record: if it throws, none of it is kept. E.g.
  // await db.collection('users').createIndex({ email: 1 }, { unique: true })
}
`
const TYPESCRIPT = `import type { Db } from 'weftjs/data'

export async function up(db: Db): Promise<void> {
${EXAMPLE}`
const JAVASCRIPT = `/** @param {import('weftjs/data').Db} db */
export async function up(db) {
${EXAMPLE}`

/** weftjs/data's errors in the command's words: the message, and what to do next. */
function toCliError(error: unknown): never {
  throw error instanceof DataError ? new CliError(error.message, hintFor(error.code)) : error
}

function hintFor(code: string): string {
  if (code === 'WEFT_DATA_BAD_MIGRATION') return 'rename or fix the file, then run `weft migrate` again'
  if (code === 'WEFT_DATA_MIGRATION_FAILED')
    return 'fix the migration and run `weft migrate` again; those before it are done'
  if (code === 'WEFT_DATA_MISSING_DRIVER') return 'install the driver named above (`weft doctor` lists it)'
  return 'check the database URL (DATABASE_URL or --db) and that the database is running'
}

/** The URL without its password, for printing. */
function shown(url: string): string {
  try {
    const parsed = new URL(url)
    if (!parsed.password) return url
    parsed.password = '***'
    return parsed.toString()
  } catch {
    return url
  }
}
