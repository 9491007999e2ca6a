// Runs every *.test.ts under the test folders with Node's own test runner.
// Node 20's --test takes no globs, so the files are listed here.
// `npm test -- data` runs only the files whose path contains "data".
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const roots = ['packages/weft/test', 'examples/taskboard/test']
const here = dirname(fileURLToPath(import.meta.url))
const tap = process.argv.includes('--tap')
const filters = process.argv.slice(2).filter((arg) => arg !== '--tap')

function* walk(dir) {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* walk(path)
    else if (entry.name.endsWith('.test.ts')) yield path
  }
}

/** The latest modification time of any file under `dir` (0 when there is none). */
function newest(dir) {
  let latest = 0
  if (!existsSync(dir)) return latest
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      latest = Math.max(latest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs)
  }
  return latest
}

const files = roots
  .flatMap((root) => [...walk(root)])
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort()

if (files.length === 0) {
  console.error('no test files matched', filters)
  process.exit(1)
}

// The packaging and guides tests pack dist/ as npm publish would: build it first when src/ is newer.
if (
  files.some((file) => /\/(packaging|guides)\//.test(file)) &&
  newest('packages/weft/src') > newest('packages/weft/dist')
) {
  console.log('dist/ is older than src/: building it for the tests that pack it')
  const build = spawnSync('npm', ['run', 'build', '--workspace', 'weftjs'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

// One line per top-level suite or test, then skips and failures in full, then the runner's closing counts.
// `npm test -- --tap <filters>` prints the runner's own TAP instead.
const reporter = tap ? ['--test-reporter=tap'] : [`--test-reporter=${join(here, 'test-reporter.mjs')}`]
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--conditions=source', '--test', '--test-concurrency=2', ...reporter, ...files],
  { stdio: 'inherit' },
)
process.exit(result.status ?? 1)
