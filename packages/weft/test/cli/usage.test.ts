import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { bold, red } from '../../src/cli/output.ts'
import { runIn } from './app-process.ts'

// The command line itself, run from the sources: help, exit codes, and errors that say
// what to do next.
const main = join(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.ts')
const scratch = mkdtempSync(join(tmpdir(), 'weft-usage-'))
const env = { ...process.env, NO_COLOR: '1' }
// By its URL: the commands run in folders outside the repository.
const tsx = import.meta.resolve('tsx')
const weft = (cwd: string, ...args: string[]) =>
  runIn(cwd, env, process.execPath, ['--import', tsx, '--conditions=source', main, ...args])

after(() => rmSync(scratch, { recursive: true, force: true }))

describe('weft on the command line', () => {
  test('every command has --help, exit code 0', () => {
    for (const command of [
      'new',
      'dev',
      'build',
      'start',
      'routes',
      'openapi',
      'migrate',
      'check',
      'doctor',
    ]) {
      const result = weft(scratch, command, '--help')
      assert.equal(result.status, 0, result.output)
      assert.match(result.output, new RegExp(`^Usage: weft ${command}`))
    }
    const overview = weft(scratch, '--help')
    assert.equal(overview.status, 0)
    assert.match(overview.output, /new\s+create an app/)
  })

  test('a wrong command or flag exits 2 and says what to run', () => {
    const unknown = weft(scratch, 'deploy')
    assert.equal(unknown.status, 2)
    assert.match(unknown.output, /unknown command "deploy"\nnext: run `weft --help`/)
    const badFlag = weft(scratch, 'new', 'x', '--database', 'sqlite')
    assert.equal(badFlag.status, 2)
    assert.match(badFlag.output, /--database/)
    assert.match(badFlag.output, /next: usage: weft new/)
    const badDb = weft(scratch, 'new', 'x', '--db', 'oracle')
    assert.equal(badDb.status, 2)
    assert.match(badDb.output, /next: choose one of sqlite, postgres, mongodb/)
    assert.equal(weft(scratch).status, 2, 'no command at all is a usage error')
  })

  test('weft new refuses a folder that is not empty, and writes nothing into it', () => {
    const taken = join(scratch, 'taken')
    mkdirSync(taken)
    writeFileSync(join(taken, 'notes.txt'), 'mine')
    const result = weft(scratch, 'new', 'taken', '--no-install')
    assert.equal(result.status, 2)
    assert.match(result.output, /taken already exists and is not empty\nnext: choose another name/)
  })

  test('every template scaffolds for every database and runtime, with the drivers and scripts it needs', () => {
    for (const template of ['fullstack', 'realtime']) {
      for (const db of ['sqlite', 'postgres', 'mongodb']) {
        for (const runtime of ['node', 'deno', 'bun']) {
          const name = `${template}-${db}-${runtime}`
          const result = weft(
            scratch,
            'new',
            name,
            '--template',
            template,
            '--db',
            db,
            '--runtime',
            runtime,
            '--no-install',
          )
          assert.equal(result.status, 0, result.output)
          assert.match(result.output, new RegExp(`\\(${template}, ${db}, ${runtime}:`))
          const dir = join(scratch, name)
          const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
          assert.ok(pkg.dependencies.eta, 'views render with Eta')
          assert.equal(pkg.dependencies.pg !== undefined, db === 'postgres')
          assert.equal(pkg.dependencies.mongodb !== undefined, db === 'mongodb')
          // Node's WebSocket server is the ws package; Deno and Bun bring their own.
          assert.equal(pkg.dependencies.ws !== undefined, template === 'realtime' && runtime === 'node')
          assert.match(pkg.scripts.test, /^weft build && /, 'the tests load the built browser code')
          const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'))
          assert.deepEqual(tsconfig.include, ['src', 'client', 'test'])
          for (const file of [
            'views/layout.eta',
            'views/index.eta',
            'client/main.ts',
            'src/assets.ts',
            '.gitignore',
          ]) {
            assert.ok(existsSync(join(dir, file)), `${name}: ${file}`)
          }
          assert.match(
            readFileSync(join(dir, '.env.example'), 'utf8'),
            new RegExp(`^DATABASE_URL=${db}`, 'm'),
          )
          assert.match(readFileSync(join(dir, 'src/app.ts'), 'utf8'), /app\.use\(secureHeaders\(\)\)/)
          if (template === 'realtime')
            assert.match(readFileSync(join(dir, '.env.example'), 'utf8'), /^# BROKER_URL=$/m)
          const readme = readFileSync(join(dir, 'README.md'), 'utf8')
          const run = { node: 'npm run', deno: 'deno task', bun: 'bun run' }[runtime]
          assert.match(readme, new RegExp(`^${run} dev .*\\n${run} test `, 'm'))
        }
      }
    }
  })

  test('commands outside an app, or before a build, say what to do next and exit 1', () => {
    const outside = weft(scratch, 'build')
    assert.equal(outside.status, 1)
    assert.match(outside.output, /no package\.json in .*\nnext: run this command in the folder of a Weft app/)

    const app = join(scratch, 'unbuilt')
    const files = weft(scratch, 'new', 'unbuilt', '--no-install')
    assert.equal(files.status, 0, files.output)
    assert.match(files.output, /npm install/)
    const start = weft(app, 'start')
    assert.equal(start.status, 1)
    assert.match(start.output, /there is no build in dist\/\nnext: run `weft build` first/)
  })

  test('a SQLite app made on a Node without node:sqlite gets better-sqlite3, allowed to build', () => {
    assert.equal(weft(scratch, 'new', 'sqlite-app', '--no-install').status, 0)
    const pkg = JSON.parse(readFileSync(join(scratch, 'sqlite-app/package.json'), 'utf8'))
    const [major, minor] = process.versions.node.split('.').map(Number)
    if (major > 22 || (major === 22 && minor >= 5)) {
      assert.equal(pkg.engines.node, '>=22.5')
      assert.equal(pkg.dependencies['better-sqlite3'], undefined)
    } else {
      assert.equal(pkg.engines.node, '>=20')
      assert.ok(pkg.dependencies['better-sqlite3'])
      assert.deepEqual(pkg.allowScripts, { 'better-sqlite3': true })
    }
  })

  test('a build error is shown with its file and line, exit 1', () => {
    const app = join(scratch, 'broken')
    assert.equal(weft(scratch, 'new', 'broken', '--no-install').status, 0)
    writeFileSync(join(app, 'src/main.ts'), "import './app.ts'\nconst x: = 1\n")
    // esbuild from the repository: the app has no node_modules of its own.
    const result = weft(app, 'build')
    assert.equal(result.status, 1, result.output)
    assert.match(result.output, /src\/main\.ts:2:9/)
    assert.match(result.output, /next: fix them and run `weft build` again/)
  })
})

describe('colour', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream
  const saved = process.env.NO_COLOR
  after(() => {
    if (saved === undefined) delete process.env.NO_COLOR
    else process.env.NO_COLOR = saved
  })

  test('on a terminal unless NO_COLOR is set; never into a pipe', () => {
    delete process.env.NO_COLOR
    assert.equal(red('x', tty), '\x1b[31mx\x1b[0m')
    assert.equal(bold('x', { isTTY: false } as NodeJS.WriteStream), 'x')
    process.env.NO_COLOR = '1'
    assert.equal(red('x', tty), 'x')
  })
})

describe('npm create weftjs', () => {
  test('create-weftjs runs weft new with the same arguments', () => {
    const createWeftjs = join(dirname(main), '../../../create-weftjs/index.js')
    const result = runIn(scratch, env, process.execPath, [
      '--import',
      tsx,
      '--conditions=source',
      createWeftjs,
      'from-create',
      '--db',
      'postgres',
      '--no-install',
    ])
    assert.equal(result.status, 0, result.output)
    assert.match(result.output, /Created from-create \(api, postgres, node/)
    const pkg = JSON.parse(readFileSync(join(scratch, 'from-create/package.json'), 'utf8'))
    assert.ok(pkg.dependencies.pg, 'the PostgreSQL driver is a dependency')
  })
})
