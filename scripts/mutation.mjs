// Mutation testing with StrykerJS: `npm run mutation` runs every module below, one at a time;
// `npm run mutation -- router cookies` only those. Each module's mutants are run against its
// own focused test files through Stryker's TAP runner (Node's test runner prints TAP), with
// per-test-file coverage so a mutant runs only the files that reach it.
//
// Mutants are written into the source files themselves (Stryker's inPlace mode): the tests
// import `weftjs` through the workspace link, which a sandbox copy would not redirect.
// Stryker puts every file back when it ends, also on Ctrl-C; meanwhile run no other tests of
// this checkout and edit nothing in it: an interrupted run restores the files it backed up. Scores land in reports/mutation/<module>.json and on the console.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ensureNode24 } from '../packages/weft/test/runtimes/runtimes.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// StrykerJS and its TAP runner need Node 22+, above the repository's Node floor, so they
// are not dependencies of the workspace: the first run installs these pinned versions
// into a cache folder of node_modules, as the runtime tests do for their Node 24.
const STRYKER_VERSION = '10.0.0'
const toolDir = join(root, 'node_modules', '.cache', 'weft-mutation')
const src = (...files) => files.map((file) => `packages/weft/src/${file}`)
const tests = (...files) => files.map((file) => `packages/weft/test/${file}.test.ts`)

/** The modules where a silent bug hurts most, each with the tests that should catch one. */
export const modules = {
  router: { mutate: src('http/router.ts', 'http/path.ts'), tests: tests('http/router', 'http/routing') },
  compose: { mutate: src('http/compose.ts'), tests: tests('http/middleware') },
  body: {
    mutate: src('http/body.ts', 'http/limits.ts'),
    tests: tests('http/body-parsing', 'http/untrusted-inputs', 'http/validation'),
  },
  cookies: { mutate: src('http/cookies.ts'), tests: tests('http/cookies') },
  errors: {
    mutate: src('http/errors.ts'),
    tests: tests('http/error-answers', 'http/errors', 'http/data-errors'),
  },
  query: {
    mutate: src(
      'data/query/match.ts',
      'data/query/update.ts',
      'data/query/update-arrays.ts',
      'data/query/project.ts',
    ),
    tests: tests(
      'data/query-operators',
      'data/update-operators',
      'data/sort-and-projection',
      'data/positional-updates',
      'data/differential-memory',
    ),
  },
  'sql-pushdown': {
    mutate: src('data/stores/sql-pushdown.ts'),
    tests: tests('data/sqlite-differential', 'data/sqlite-pushdown-uses-indexes', 'data/explain'),
  },
  di: {
    mutate: src('di/resolver.ts', 'di/graph.ts', 'di/container.ts'),
    tests: tests(
      'di/container-states',
      'di/providers',
      'di/scopes',
      'di/cycles',
      'di/overrides',
      'di/module-boundaries',
      'di/lifecycle',
    ),
  },
  client: { mutate: src('client/index.ts'), tests: tests('client/client-requests', 'client/typed-client') },
  'realtime-protocol': {
    mutate: src('realtime/frames.ts'),
    tests: tests('realtime/protocol', 'realtime/frames'),
  },
  'live-query': {
    mutate: src(
      'realtime/live-query/window.ts',
      'realtime/live-query/diff.ts',
      'realtime/live-query/live-query.ts',
    ),
    tests: tests(
      'realtime/live-query/window',
      'realtime/live-query/diff',
      'realtime/live-query/what-observers-see',
      'realtime/live-query/handles',
      'realtime/live-query/recovery',
      'realtime/live-query/convergence-memory',
    ),
  },
}

const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !(name in modules))
if (unknown.length > 0) {
  console.error(`unknown module ${unknown.join(', ')}; the modules are: ${Object.keys(modules).join(', ')}`)
  process.exit(2)
}

// StrykerJS needs Node 22 or later; the repository pins a Node 24 for the runtime tests.
if (Number(process.versions.node.split('.')[0]) < 22) {
  const node24 = ensureNode24()
  if (!node24) {
    console.error('mutation testing needs Node 22+, and the pinned Node 24 could not be installed')
    process.exit(1)
  }
  // The TAP runner starts `node` from PATH for each test file: the same Node 24.
  const env = { ...process.env, PATH: `${dirname(node24)}:${process.env.PATH}` }
  const child = spawnSync(node24, [fileURLToPath(import.meta.url), ...wanted], { stdio: 'inherit', env })
  process.exit(child.status ?? 1)
}

const { Stryker } = await import(pathToFileURL(ensureStryker()).href)
process.chdir(root)
mkdirSync('reports/mutation', { recursive: true })
const scores = []
for (const name of wanted.length > 0 ? wanted : Object.keys(modules)) {
  const { mutate, tests: testFiles } = modules[name]
  console.log(`\n== mutation: ${name} (${mutate.join(', ')})`)
  const results = await new Stryker({
    mutate,
    testRunner: 'tap',
    tap: {
      testFiles,
      nodeArgs: [
        '-r',
        '{{hookFile}}',
        '--import',
        'tsx',
        '--conditions=source',
        '--test-reporter=tap',
        '{{testFile}}',
      ],
      forceBail: true,
    },
    coverageAnalysis: 'perTest',
    inPlace: true,
    concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
    timeoutMS: 20_000,
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    thresholds: { high: 90, low: 80, break: null },
    cleanTempDir: 'always',
    tempDirName: '.stryker-tmp',
  }).runMutationTest()
  scores.push({ name, ...score(results) })
}

console.log('\nmodule              score  killed  survived  no coverage  total')
for (const s of scores) {
  const pct = s.score === null ? '   n/a' : `${s.score.toFixed(1).padStart(5)}%`
  console.log(
    `${s.name.padEnd(18)} ${pct}  ${String(s.killed).padStart(6)}  ${String(s.survived).padStart(8)}  ${String(s.noCoverage).padStart(11)}  ${String(s.total).padStart(5)}`,
  )
}
writeFileSync('reports/mutation/scores.json', `${JSON.stringify(scores, null, 2)}\n`)

/** Stryker's mutation score: detected (killed or timed out) over all valid mutants. */
function score(results) {
  const count = (...statuses) => results.filter((r) => statuses.includes(r.status)).length
  const killed = count('Killed', 'Timeout')
  const survived = count('Survived')
  const noCoverage = count('NoCoverage')
  const total = killed + survived + noCoverage
  return { killed, survived, noCoverage, total, score: total === 0 ? null : (100 * killed) / total }
}

/** The entry of the pinned StrykerJS core, installed beside its TAP runner on first use. */
function ensureStryker() {
  const core = join(toolDir, 'node_modules', '@stryker-mutator', 'core')
  const installed = existsSync(join(core, 'package.json'))
    ? JSON.parse(readFileSync(join(core, 'package.json'), 'utf8')).version
    : null
  if (installed !== STRYKER_VERSION) {
    mkdirSync(toolDir, { recursive: true })
    writeFileSync(join(toolDir, 'package.json'), '{ "private": true }\n')
    const packages = ['core', 'tap-runner'].map((name) => `@stryker-mutator/${name}@${STRYKER_VERSION}`)
    const args = ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', toolDir]
    const result = spawnSync('npm', [...args, ...packages], { stdio: 'inherit' })
    if (result.status !== 0) throw new Error('could not install StrykerJS for mutation testing')
  }
  return join(core, 'dist', 'src', 'index.js')
}
