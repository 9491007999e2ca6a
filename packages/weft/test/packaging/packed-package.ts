// Packs packages/weft once per test process, as `npm publish` would, and installs the
// tarball into fresh projects.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '../..')
export const repoRoot = join(packageDir, '../..')

export interface Packed {
  tarball: string
  /** Paths inside the tarball, relative to the package root. */
  files: string[]
}

let packed: Packed | undefined

/** `npm pack --workspace weftjs`, as the README says (prepack script included), into a temp folder. */
export function pack(): Packed {
  if (packed) return packed
  const destination = mkdtempSync(join(tmpdir(), 'weft-pack-'))
  const out = execFileSync(
    'npm',
    ['pack', '--workspace', 'weftjs', '--json', '--pack-destination', destination],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const [result] = JSON.parse(out.slice(out.indexOf('['))) as {
    filename: string
    files: { path: string }[]
  }[]
  packed = { tarball: join(destination, result.filename), files: result.files.map((f) => f.path).sort() }
  return packed
}

/** A new project folder whose package.json depends on the packed tarball, installed as a user would. */
export function projectWithTarball(extra: Record<string, string> = {}): string {
  const { tarball } = pack()
  const dir = mkdtempSync(join(tmpdir(), 'weft-project-'))
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'hello', private: true, type: 'module', dependencies: { weftjs: `file:${tarball}`, ...extra } }, null, 2)}\n`,
  )
  // weftjs's own dependencies come from npm's cache when it has them (the repository's
  // install put them there), else from the registry; its peers are all optional.
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return dir
}

/** The `exports` map of the package as written in its package.json. */
export function exportsMap(): Record<string, Record<string, string>> {
  return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).exports
}

/**
 * Copies installed packages (with the dependencies named) from the repository's
 * node_modules into `project`: what `npm install zod swagger-ui-dist` would place there,
 * without a registry. `@scope/*` copies every package of a scope.
 */
export function copyPackages(project: string, names: string[]): void {
  // Hoisted to the root, or kept in the package's own node_modules.
  const installed = (name: string) =>
    [join(repoRoot, 'node_modules', name), join(packageDir, 'node_modules', name)].find((dir) =>
      existsSync(dir),
    ) ?? join(repoRoot, 'node_modules', name)
  for (const name of names) {
    const list = name.endsWith('/*')
      ? readdirSync(installed(name.slice(0, -2))).map((n) => `${name.slice(0, -1)}${n}`)
      : [name]
    for (const one of list) {
      cpSync(installed(one), join(project, 'node_modules', one), { recursive: true, dereference: true })
    }
  }
}
