// weftjs as npm would publish it, built from the current sources into a temp folder (the
// worktree's dist/ is left alone), and the Node that runs the apps made from it.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureNode24 } from '../runtimes/runtimes.mjs'

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '../..')
const repoRoot = join(packageDir, '../..')

let packed: string | undefined

/** Builds and packs weftjs, once per test file; returns the tarball's path. */
export function packWeftjs(): string {
  packed ??= buildAndPack()
  return packed
}

function buildAndPack(): string {
  const stage = mkdtempSync(join(tmpdir(), 'weft-stage-'))
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
  delete pkg.scripts
  writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2))
  cpSync(join(packageDir, 'src'), join(stage, 'src'), { recursive: true })
  execFileSync(
    join(repoRoot, 'node_modules/.bin/tsc'),
    ['-p', join(packageDir, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')],
    { stdio: 'inherit' },
  )
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', stage], {
    cwd: stage,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return join(stage, JSON.parse(out.slice(out.indexOf('[')))[0].filename)
}

/**
 * The folder of a Node with node:sqlite (the pinned Node 24), for the PATH of the apps:
 * a new SQLite app asks for Node >= 22.5. Skips loudly without it, fails under CI=true.
 */
export function nodeWithSqlite(): string | null {
  const [major, minor] = process.versions.node.split('.').map(Number)
  if (major > 22 || (major === 22 && minor >= 5)) return dirname(process.execPath)
  const node24 = ensureNode24({ quiet: true })
  if (node24) return dirname(node24)
  if (process.env.CI === 'true') assert.fail('Node 24 could not be installed (npm install)')
  console.warn('\n!!! SKIPPING the new-app tests: no Node >= 22.5 here (npm install fetches Node 24)\n')
  return null
}

export interface ScaffoldedApp {
  /** The temp folder the app is in; remove it when done. */
  root: string
  app: string
  /** The environment the app's commands run with: the given Node first on the PATH, npm offline. */
  env: NodeJS.ProcessEnv
  /** What `weft new` printed. */
  output: string
}

/**
 * `weft new <name> ...args` from the packed weftjs, installing against its tarball (other
 * packages from the npm cache where it has them, else the registry), on the Node in `nodeDir`.
 */
export function scaffoldApp(nodeDir: string, name: string, args: string[] = []): ScaffoldedApp {
  const tarball = packWeftjs()
  const root = mkdtempSync(join(tmpdir(), `weft-new-${name}-`))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${nodeDir}:${process.env.PATH}`,
    NO_COLOR: '1',
    npm_config_prefer_offline: 'true',
    npm_config_user_agent: '',
    NODE_ENV: '',
  }
  // The app's own test runs must not take themselves for subtests of this one.
  delete env.NODE_TEST_CONTEXT
  const cli = join(dirname(tarball), 'dist/cli/main.js')
  const created = spawnSync(join(nodeDir, 'node'), [cli, 'new', name, '--weftjs', tarball, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 240_000,
  })
  const output = `${created.stdout}${created.stderr}`
  assert.equal(created.status, 0, output)
  return { root, app: join(root, name), env, output }
}
