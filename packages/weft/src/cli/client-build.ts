// The browser code of a fullstack app: each file directly in client/ is an entry, bundled
// for the browser with a manifest (`{ "client/main.ts": "main-5XQ2LK7D.js" }`) that the
// app's pages read to link the file. `weft build` writes it hashed and minified into
// dist/client/; `weft dev` keeps it rebuilt into .weft/dev/client/ as files change.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { BuildOptions, Metafile } from 'esbuild'
import type { Esbuild } from './esbuild.js'
import type { Project } from './project.js'

/** Where `weft dev` writes the browser code; the app finds it through CLIENT_DIR. */
export const DEV_CLIENT_DIR = '.weft/dev/client'

/** The entries, `client/<file>`, or none when the app has no client/ folder. */
export function clientEntries(project: Project): string[] {
  const clientDir = join(project.dir, 'client')
  if (!existsSync(clientDir)) return []
  return readdirSync(clientDir)
    .filter((name) => /\.[cm]?[jt]sx?$/.test(name) && !/\.d\.ts$|\.test\./.test(name))
    .map((name) => `client/${name}`)
}

/** esbuild's options for the browser code: hashed and minified for a build, plain names in dev. */
export function clientOptions(
  project: Project,
  entries: string[],
  outdir: string,
  mode: 'build' | 'dev',
): BuildOptions & { metafile: true } {
  const build = mode === 'build'
  return {
    absWorkingDir: project.dir,
    entryPoints: entries,
    outdir,
    entryNames: build ? '[name]-[hash]' : '[name]',
    bundle: true,
    splitting: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: build,
    sourcemap: build ? 'linked' : 'inline',
    metafile: true,
    logLevel: 'silent',
  }
}

/** Writes `<outdir>/manifest.json`: each entry's source -> its output file, relative to outdir. */
export function writeManifest(project: Project, outdir: string, metafile: Metafile): void {
  const manifest: Record<string, string> = {}
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (output.entryPoint) manifest[output.entryPoint] = relative(outdir, file)
  }
  mkdirSync(join(project.dir, outdir), { recursive: true })
  writeFileSync(join(project.dir, outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
}

/** `weft build`'s part: dist/client/ and its manifest; the outputs' metafile, or null without client code. */
export async function buildClient(esbuild: Esbuild, project: Project): Promise<Metafile | null> {
  const entries = clientEntries(project)
  if (entries.length === 0) return null
  const result = await esbuild.build(clientOptions(project, entries, 'dist/client', 'build'))
  writeManifest(project, 'dist/client', result.metafile)
  return result.metafile
}

/**
 * `weft dev`'s part: builds the browser code into .weft/dev/client/ and rebuilds it on
 * every change esbuild sees (the server is not restarted for it: a page reload shows it).
 * Errors are printed as they happen. Resolves to the context to dispose, or null.
 */
export async function watchClient(
  esbuild: Esbuild,
  project: Project,
  onErrors: (errors: import('esbuild').Message[]) => void,
): Promise<import('esbuild').BuildContext | null> {
  const entries = clientEntries(project)
  if (entries.length === 0) return null
  const options = clientOptions(project, entries, DEV_CLIENT_DIR, 'dev')
  const context = await esbuild.context({
    ...options,
    plugins: [
      {
        name: 'weft-manifest',
        setup(build) {
          build.onEnd((result) => {
            if (result.errors.length > 0) onErrors(result.errors)
            else if (result.metafile) writeManifest(project, DEV_CLIENT_DIR, result.metafile)
          })
        },
      },
    ],
  })
  await context.watch()
  return context
}
