// esbuild is an optional peer dependency of weftjs: only `weft build`, `weft dev` and the
// commands that read the app load it, so the framework itself stays dependency-free.
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CliError } from './output.js'
import { appWeftjsManifest, isInstalled } from './project.js'

export type Esbuild = typeof import('esbuild')

/** esbuild as the app installed it, else as weftjs can find it; a clear error when neither. */
export async function loadEsbuild(appDir: string): Promise<Esbuild> {
  for (const from of [join(appDir, 'package.json'), import.meta.url]) {
    try {
      const path = createRequire(from).resolve('esbuild')
      const loaded = await import(pathToFileURL(path).href)
      return (loaded.default ?? loaded) as Esbuild
    } catch {
      // try the next place
    }
  }
  throw new CliError(
    'esbuild is not installed; `weft build` and `weft dev` bundle with it',
    'npm install --save-dev esbuild',
  )
}

/**
 * Packages never bundled: native addons (their .node files must sit beside their JS),
 * drivers' optional native extras, and runtime built-ins of Bun.
 */
export const NATIVE_EXTERNALS = [
  'better-sqlite3',
  'pg-native',
  'bun:*',
  'bufferutil',
  'utf-8-validate',
  'kerberos',
  'snappy',
  '@mongodb-js/zstd',
  'mongodb-client-encryption',
  'gcp-metadata',
  'socks',
  'aws4',
  '@aws-sdk/credential-providers',
]

/**
 * weftjs's optional peers the app has not installed (eta, jose, pg...): left external, so
 * the bundle builds and the subpath that needs one names it at run time, as unbundled.
 */
export function missingOptionalPeers(appDir: string): string[] {
  const manifest = appWeftjsManifest(appDir)
  const optional = Object.entries(manifest?.peerDependenciesMeta ?? {})
    .filter(([, meta]) => (meta as { optional?: boolean }).optional)
    .map(([name]) => name)
  return optional.filter((name) => !isInstalled(appDir, name))
}

/** ESM bundles of CommonJS packages (pg, mongodb) need `require` for Node's built-ins. */
export const REQUIRE_BANNER =
  "import { createRequire as __weftCreateRequire } from 'node:module';const require = __weftCreateRequire(import.meta.url);"

/**
 * Options for the app's own code that the command then imports itself (the app for
 * `weft routes`, migrations): one ES module per entry, packages left to node_modules.
 */
export const TO_IMPORT = {
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  sourcemap: 'inline',
  logLevel: 'silent',
} as const
