// Where each runtime of the test matrix lives: the system Node, and Node 24, Deno and Bun
// from the root devDependencies. Shared by the conformance tests and bench/runtimes.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..')
const require = createRequire(join(ROOT, 'package.json'))

/**
 * The `node` devDependency pins the second Node's version, but its install script is
 * denied (allowScripts: node false): it would link `node_modules/.bin/node`, and every npm
 * script (`npm test`, `tsc`, native addon builds) would then run on Node 24 instead of the
 * system Node. The same binary is fetched here, into node_modules/.cache, off the PATH.
 */
export function node24Version() {
  try {
    return JSON.parse(readFileSync(require.resolve('node/package.json'), 'utf8')).version
  } catch {
    return null
  }
}

function node24Dir(version) {
  return join(ROOT, 'node_modules', '.cache', 'weft-runtimes', `node-${version}`)
}

function node24Binary(version) {
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`
  return join(
    node24Dir(version),
    'node_modules',
    pkg,
    'bin',
    process.platform === 'win32' ? 'node.exe' : 'node',
  )
}

/** Installs the pinned Node 24 binary from npm if it is not there yet; returns its path or null. */
export function ensureNode24({ quiet = false } = {}) {
  const version = node24Version()
  if (!version) return null
  const binary = node24Binary(version)
  if (existsSync(binary)) return binary
  const dir = node24Dir(version)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n')
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}@${version}`
  const result = spawnSync(
    'npm',
    ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', dir, pkg],
    { stdio: quiet ? 'ignore' : 'inherit', shell: process.platform === 'win32' },
  )
  return result.status === 0 && existsSync(binary) ? binary : null
}

function binOf(name) {
  const path = join(ROOT, 'node_modules', '.bin', name)
  return existsSync(path) ? path : null
}

function versionOf(binary, args = ['--version']) {
  if (!binary) return null
  const result = spawnSync(binary, args, { encoding: 'utf8', timeout: 20_000 })
  return result.status === 0 ? result.stdout.trim().split('\n')[0] : null
}

/**
 * The four runtimes: name, label with the version found, the command and arguments that
 * run a TypeScript file of this repo, or why it is missing.
 * `denoAllowRead` is the one directory Deno may read (the app's own files need none).
 */
export function findRuntimes({ install = true } = {}) {
  const tsx = ['--import', 'tsx', '--conditions=source']
  const runtimes = []
  const systemNode = process.execPath
  runtimes.push({ name: 'node', label: `Node ${process.versions.node}`, bin: systemNode, args: tsx })
  const node24 = install ? ensureNode24({ quiet: true }) : node24Binary(node24Version() ?? '0')
  const v24 = versionOf(node24)
  runtimes.push(
    v24
      ? { name: 'node24', label: `Node ${v24.replace(/^v/, '')}`, bin: node24, args: tsx }
      : {
          name: 'node24',
          label: 'Node 24',
          missing: 'the pinned Node 24 binary could not be installed (npm install)',
        },
  )
  const deno = binOf('deno')
  const denoVersion = versionOf(deno)
  runtimes.push(
    denoVersion
      ? {
          name: 'deno',
          label: denoVersion.replace(/^deno (\S+).*/, 'Deno $1'),
          bin: deno,
          // Sloppy imports map the sources' `./x.js` specifiers to `./x.ts`; `source` picks
          // weft's TypeScript entry. Permissions: the loopback network and the environment.
          args: [
            'run',
            '--sloppy-imports',
            '--conditions=source',
            '--no-lock',
            '--allow-net=127.0.0.1',
            '--allow-env',
          ],
        }
      : { name: 'deno', label: 'Deno', missing: 'node_modules/.bin/deno is missing (npm install)' },
  )
  const bun = binOf('bun')
  const bunVersion = versionOf(bun)
  runtimes.push(
    bunVersion
      ? { name: 'bun', label: `Bun ${bunVersion}`, bin: bun, args: ['--conditions=source'] }
      : { name: 'bun', label: 'Bun', missing: 'node_modules/.bin/bun is missing (npm install)' },
  )
  return runtimes
}
