import { rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Metafile } from 'esbuild'
import { buildClient } from '../client-build.js'
import {
  type Esbuild,
  loadEsbuild,
  missingOptionalPeers,
  NATIVE_EXTERNALS,
  REQUIRE_BANNER,
} from '../esbuild.js'
import { bold, CliError, colorEnabled, dim, formatSize, log, progress } from '../output.js'
import { type Project, type RuntimeName, readProject } from '../project.js'

export const buildHelp = `Usage: weft build [entry] [--runtime node|deno|bun]

Bundles the server into dist/server.js with esbuild for the app's runtime, native drivers
(better-sqlite3, pg-native...) left external. A fullstack app's browser code, client/*.ts,
becomes hashed files in dist/client/ with dist/client/manifest.json mapping each source to
its file. Prints every output's size.

  entry            the server's entry file (default: "weft.entry" in package.json, or src/main.ts)
  --runtime        node (default), deno or bun: what the bundle targets
`

const TARGETS: Record<RuntimeName, string> = { node: 'node20', deno: 'esnext', bun: 'esnext' }

export async function build(positionals: string[], flags: { runtime?: string }): Promise<number> {
  const project = readProject(process.cwd(), { runtime: flags.runtime, entry: positionals[0] })
  const esbuild = await loadEsbuild(project.dir)
  const step = progress(`Building ${project.entry} for ${project.runtime}`)
  const outdir = join(project.dir, 'dist')
  rmSync(outdir, { recursive: true, force: true })
  let sizes: [string, number][]
  try {
    const client = await buildClient(esbuild, project)
    sizes = [...(await buildServer(esbuild, project)), ...(client ? outputSizes(client, project.dir) : [])]
  } catch (error) {
    step.fail()
    throw buildFailure(esbuild, error)
  }
  step.done()
  for (const [file, bytes] of sizes) log(`  ${file.padEnd(40)} ${bold(formatSize(bytes))}`)
  log(`\n${dim('run it:')} weft start`)
  return 0
}

export async function buildServer(esbuild: Esbuild, project: Project): Promise<[string, number][]> {
  const result = await esbuild.build({
    absWorkingDir: project.dir,
    entryPoints: [project.entry],
    outfile: 'dist/server.js',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGETS[project.runtime],
    external: [...NATIVE_EXTERNALS, ...missingOptionalPeers(project.dir)],
    banner: { js: REQUIRE_BANNER },
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    color: colorEnabled(),
  })
  return outputSizes(result.metafile, project.dir)
}

function outputSizes(metafile: Metafile, dir: string): [string, number][] {
  return Object.entries(metafile.outputs)
    .filter(([file]) => !file.endsWith('.map'))
    .map(([file, output]) => [relative(dir, join(dir, file)), output.bytes])
}

/** esbuild's own messages, file:line:column with the code under them, then what to do. */
export function buildFailure(esbuild: Esbuild, error: unknown, command = 'weft build'): Error {
  const errors = (error as { errors?: import('esbuild').Message[] }).errors
  if (!errors?.length) return error as Error
  const text = esbuild.formatMessagesSync(errors, { kind: 'error', color: colorEnabled() }).join('')
  process.stderr.write(text)
  return new CliError(
    `the build failed with ${errors.length} error${errors.length === 1 ? '' : 's'} (shown above)`,
    `fix them and run \`${command}\` again`,
  )
}
