// `npm run bench:cli`: the `weft` command against its peers' starters.
//   - new app -> first answered request: `weft new` (install included) then `npm start`;
//     `nest new` then `npm run start`; a Hono starter (hono, @hono/node-server, tsx) installed
//     then `tsx src/index.ts`
//   - restart on change: `weft dev` on examples/taskboard, `nest start --watch`, `tsx watch`
//     (a source file is rewritten 3 s after the last change showed; the time until the
//     server answers with the change)
//   - builds: `weft build` on the taskboard (one bundle of server and dependencies), `nest build`
//     on the NestJS starter and `tsc` on the Hono starter (their output needs node_modules
//     beside it): time and output size
// Flags: --quick (one round, Weft only unless --peers), --peers (NestJS and Hono too; they are
// fetched from the npm registry), --rounds N (restarts measured, default 10).
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureNode24 } from '../../packages/weft/test/runtimes/runtimes.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const argv = process.argv.slice(2)
const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1'
const peers = argv.includes('--peers') || !quick
const roundsFlag = argv.indexOf('--rounds')
const rounds = (roundsFlag >= 0 && Number(argv[roundsFlag + 1])) || (quick ? 2 : 10)
/** Between one answer showing an edit and the next edit. */
const PAUSE_MS = 3000
const weftBin = join(root, 'packages/weft/dist/cli/main.js')
// Every tool runs on the pinned Node 24: a new SQLite app then uses node:sqlite, as it would
// for anyone on a current Node, instead of building better-sqlite3.
const node24 = ensureNode24({ quiet: true })
if (!node24) throw new Error('Node 24 could not be installed: run npm install first')
const env = { ...process.env, PATH: `${dirname(node24)}:${process.env.PATH}`, NO_COLOR: '1', NODE_ENV: '' }
delete env.npm_config_user_agent

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Resolves with the body once `url` answers and `accept(body)` holds. */
async function waitForAnswer(url, accept = () => true, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const body = await (await fetch(url)).text()
      if (accept(body)) return body
    } catch {}
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`${url} did not answer as expected in ${timeoutMs} ms`)
}

function background(command, args, cwd, extraEnv = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout.on('data', (c) => (output += c))
  child.stderr.on('data', (c) => (output += c))
  return {
    output: () => output,
    // The whole process group: npm, nest and tsx start children of their own.
    stop: () =>
      new Promise((resolve) => {
        const signalGroup = (signal) => {
          try {
            process.kill(-child.pid, signal)
          } catch {} // the group has already gone
        }
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', resolve)
        signalGroup('SIGTERM')
        // npm start and nest leave grandchildren behind a SIGTERM now and then.
        setTimeout(() => signalGroup('SIGKILL'), 5000).unref()
      }),
  }
}

const run = (command, args, cwd, extraEnv = {}) =>
  execFileSync(command, args, {
    cwd,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  })

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** From nothing to a first answer: the scaffold/install step, then the start command. */
async function newToFirstRequest(label, scaffold, startCommand, readyPath = '/') {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'))
  const started = performance.now()
  const app = scaffold(dir)
  const installed = performance.now()
  const port = await freePort()
  const [command, ...args] = startCommand
  const server = background(command, args, app, { PORT: String(port) })
  try {
    await waitForAnswer(`http://127.0.0.1:${port}${readyPath}`)
  } catch (error) {
    console.error(server.output())
    throw error
  } finally {
    await server.stop()
  }
  const done = performance.now()
  rmSync(dir, { recursive: true, force: true })
  return { label, total: done - started, install: installed - started, start: done - installed }
}

/** Rewrites `file` `rounds` times; the time from each write to the first answer showing it. */
async function restartTimes(label, cwd, startCommand, file, edit, path = '/', extraEnv = {}) {
  const port = await freePort()
  const [command, ...args] = startCommand
  const original = readFileSync(file, 'utf8')
  const server = background(command, args, cwd, { PORT: String(port), ...extraEnv })
  const times = []
  try {
    await waitForAnswer(`http://127.0.0.1:${port}${path}`)
    for (let i = 1; i <= rounds; i++) {
      // As someone editing: a look at the result before the next save. (weft dev uses the
      // pause to load the next process's packages; edits back to back each cost a cold start.)
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS))
      const marker = `bench-${Date.now()}-${i}`
      const started = performance.now()
      writeFileSync(file, edit(original, marker))
      await waitForAnswer(`http://127.0.0.1:${port}${path}`, (body) => body.includes(marker), 60_000)
      times.push(performance.now() - started)
    }
  } finally {
    writeFileSync(file, original)
    await server.stop()
  }
  return { label, median: median(times), min: Math.min(...times), max: Math.max(...times) }
}

function packWeftjs() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pack-'))
  const out = run('npm', ['pack', '--json', '--pack-destination', dir], join(root, 'packages/weft'))
  return join(dir, JSON.parse(out.slice(out.indexOf('[')))[0].filename)
}

const results = { new: [], restart: [], build: [] }

// --- new -> first answered request
const tarball = packWeftjs()
results.new.push(
  await newToFirstRequest(
    'weft new + npm start',
    (dir) => {
      run(node24, [weftBin, 'new', 'app', '--weftjs', tarball], dir)
      return join(dir, 'app')
    },
    ['npm', 'start'],
  ),
)
if (peers) {
  results.new.push(
    await newToFirstRequest(
      'nest new + npm run start',
      (dir) => {
        run(
          'npx',
          ['--yes', '@nestjs/cli@latest', 'new', 'app', '--package-manager', 'npm', '--skip-git'],
          dir,
        )
        return join(dir, 'app')
      },
      ['npm', 'run', 'start'],
    ),
  )
  results.new.push(
    await newToFirstRequest(
      'Hono starter (npm install) + tsx',
      (dir) => {
        writeHonoStarter(dir)
        run('npm', ['install', '--no-audit', '--no-fund'], dir)
        return dir
      },
      ['npx', 'tsx', 'src/index.ts'],
    ),
  )
}

// --- restart on change
const taskboard = join(root, 'examples/taskboard')
results.restart.push(
  await restartTimes(
    'weft dev (taskboard)',
    taskboard,
    [node24, weftBin, 'dev'],
    join(taskboard, 'src/app.ts'),
    (text, marker) => text.replace('<h1>Taskboard</h1>', `<h1>Taskboard ${marker}</h1>`),
    '/',
    { DATABASE_URL: 'memory:' },
  ),
)
if (peers) {
  const nestDir = mkdtempSync(join(tmpdir(), 'bench-nest-'))
  run('npx', ['--yes', '@nestjs/cli@latest', 'new', 'app', '--package-manager', 'npm', '--skip-git'], nestDir)
  const nestApp = join(nestDir, 'app')
  results.restart.push(
    await restartTimes(
      'nest start --watch (starter)',
      nestApp,
      ['npx', 'nest', 'start', '--watch'],
      join(nestApp, 'src/app.service.ts'),
      (text, marker) => text.replace('Hello World!', `Hello ${marker}`),
    ),
  )
  results.build.push(timedBuild('nest build (starter)', nestApp, ['npx', 'nest', 'build'], 'dist'))
  rmSync(nestDir, { recursive: true, force: true })
  const honoDir = join(root, 'bench/cli/.scratch/hono')
  writeHonoStarter(honoDir)
  results.restart.push(
    await restartTimes(
      'tsx watch (Hono starter)',
      honoDir,
      [join(root, 'node_modules/.bin/tsx'), 'watch', 'src/index.ts'],
      join(honoDir, 'src/index.ts'),
      (text, marker) => text.replace('Hello Hono!', `Hello ${marker}`),
    ),
  )
  // Its packages resolve from the repository's node_modules, as in the restart measure.
  results.build.push(timedBuild('tsc (Hono starter)', honoDir, [join(root, 'node_modules/.bin/tsc')], 'dist'))
}

// --- weft build on the taskboard
results.build.unshift(
  timedBuild('weft build (taskboard)', taskboard, [node24, weftBin, 'build'], 'dist/server.js'),
)
rmSync(join(taskboard, 'dist'), { recursive: true, force: true })

/** Runs a build command; its time, and the size of `output` (a file, or every file under a folder, maps aside). */
function timedBuild(label, cwd, [command, ...args], output) {
  const started = performance.now()
  run(command, args, cwd)
  const ms = performance.now() - started
  return { label, ms, bytes: sizeOf(join(cwd, output)), output }
}

function sizeOf(path) {
  if (!statSync(path).isDirectory()) return statSync(path).size
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.map') && !entry.name.endsWith('.tsbuildinfo'))
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0)
}

/** What `npm create hono` writes for the nodejs template, without fetching it from GitHub. */
function writeHonoStarter(dir) {
  mkdirSync(join(dir, 'src'), { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'hono-starter',
      type: 'module',
      scripts: { build: 'tsc' },
      dependencies: { hono: '^4.13.19', '@hono/node-server': '^2.1.9' },
      devDependencies: { tsx: '^4.23.15', typescript: '^5.9.3', '@types/node': '^20.19.43' },
    }),
  )
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ESNext',
        module: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        types: ['node'],
        outDir: './dist',
      },
      include: ['src'],
    }),
  )
  writeFileSync(
    join(dir, 'src/index.ts'),
    `import { serve } from '@hono/node-server'
import { Hono } from 'hono'
const app = new Hono()
app.get('/', (c) => c.text('Hello Hono!'))
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) })
`,
  )
}

console.log(`\n### New app to first answered request${quick ? ' (smoke run)' : ''}\n`)
console.log('| Starter | Total | Scaffold + install | Start to first answer |\n| --- | --- | --- | --- |')
for (const r of results.new)
  console.log(`| ${r.label} | ${seconds(r.total)} | ${seconds(r.install)} | ${seconds(r.start)} |`)
console.log(
  `\n### Restart on change (${rounds} edit${rounds === 1 ? '' : 's'}; write to first answer showing it)\n`,
)
console.log('| Watcher | Median | Min | Max |\n| --- | --- | --- | --- |')
for (const r of results.restart)
  console.log(
    `| ${r.label} | ${Math.round(r.median)} ms | ${Math.round(r.min)} ms | ${Math.round(r.max)} ms |`,
  )
console.log('\n### Production build\n')
console.log('| Build | Time | Output | Size |\n| --- | --- | --- | --- |')
for (const r of results.build)
  console.log(`| ${r.label} | ${seconds(r.ms)} | ${r.output} | ${(r.bytes / 1000).toFixed(1)} kB |`)
