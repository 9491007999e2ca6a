// The app the command runs in: its folder, runtime and entry files, read from the
// `weft` field of its package.json (written by `weft new`), with flags taking precedence.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { CliError, EXIT } from './output.js'

export type RuntimeName = 'node' | 'deno' | 'bun'
export const RUNTIMES: readonly RuntimeName[] = ['node', 'deno', 'bun']

export interface Project {
  dir: string
  runtime: RuntimeName
  /** The file that starts the server (`src/main.ts`). */
  entry: string
  /** The file whose default export is the app, without serving it (`src/app.ts`). */
  app: string
  packageJson: Record<string, any>
}

interface WeftField {
  runtime?: RuntimeName
  entry?: string
  app?: string
}

export function readProject(dir: string, flags: { runtime?: string; entry?: string } = {}): Project {
  dir = resolve(dir)
  const file = join(dir, 'package.json')
  if (!existsSync(file)) {
    throw new CliError(
      `no package.json in ${dir}`,
      'run this command in the folder of a Weft app, or create one with `weft new my-app`',
    )
  }
  const packageJson = JSON.parse(readFileSync(file, 'utf8'))
  const field: WeftField = packageJson.weft ?? {}
  const runtime = parseRuntime(flags.runtime ?? field.runtime ?? 'node')
  const entry = flags.entry ?? field.entry ?? 'src/main.ts'
  if (!existsSync(join(dir, entry))) {
    throw new CliError(
      `the entry file ${entry} does not exist`,
      'pass the file that starts your server (`weft dev src/server.ts`), or set "weft": { "entry": ... } in package.json',
    )
  }
  return { dir, runtime, entry, app: field.app ?? 'src/app.ts', packageJson }
}

export function parseRuntime(value: string): RuntimeName {
  if ((RUNTIMES as string[]).includes(value)) return value as RuntimeName
  throw new CliError(`unknown runtime "${value}"`, `choose one of ${RUNTIMES.join(', ')}`, EXIT.usage)
}

/** The program that runs `runtime` and the arguments that run a script with it. */
export function runtimeCommand(
  project: Project,
  script: string,
  options: { watch?: boolean; production?: boolean } = {},
): { command: string; args: string[] } {
  const envFile = existsSync(join(project.dir, '.env')) ? ['--env-file=.env'] : []
  switch (project.runtime) {
    case 'deno':
      return {
        command: localBin(project.dir, 'deno'),
        args: [
          'run',
          ...(options.watch ? ['--watch'] : []),
          '--allow-net',
          '--allow-env',
          '--allow-read',
          '--allow-write',
          '--allow-sys',
          '--allow-ffi',
          ...envFile,
          script,
        ],
      }
    case 'bun':
      // Bun reads .env itself.
      return { command: localBin(project.dir, 'bun'), args: [...(options.watch ? ['--watch'] : []), script] }
    default:
      return { command: process.execPath, args: ['--enable-source-maps', ...envFile, script] }
  }
}

/** A binary from the app's node_modules/.bin, else the one on the PATH. */
export function localBin(dir: string, name: string): string {
  const local = join(dir, 'node_modules', '.bin', name)
  return existsSync(local) ? local : name
}

/** Whether the app can load package `name` (ESM-only packages included). */
export function isInstalled(dir: string, name: string): boolean {
  try {
    createRequire(join(dir, 'package.json')).resolve(`${name}/package.json`)
    return true
  } catch {
    return existsSync(join(dir, 'node_modules', name))
  }
}

/** The package.json of the weftjs the app resolves, or null when it has none. */
export function appWeftjsManifest(dir: string): Record<string, any> | null {
  let path: string
  try {
    path = createRequire(join(dir, 'package.json')).resolve('weftjs')
  } catch {
    return null
  }
  for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) {
    const file = join(folder, 'package.json')
    if (!existsSync(file)) continue
    const manifest = JSON.parse(readFileSync(file, 'utf8'))
    if (manifest.name === 'weftjs') return manifest
  }
  return null
}

/** The app's database URL: DATABASE_URL from the environment, else from .env or .env.example. */
export function databaseUrl(dir: string): string | undefined {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL
  for (const file of ['.env', '.env.example']) {
    const path = join(dir, file)
    if (!existsSync(path)) continue
    const match = /^\s*DATABASE_URL\s*=\s*["']?([^"'\s#]+)/m.exec(readFileSync(path, 'utf8'))
    if (match) return match[1]
  }
  return undefined
}
