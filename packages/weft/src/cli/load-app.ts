// `weft routes`, `weft openapi` and `weft doctor` read the app without serving it: its
// app file is compiled by esbuild (packages stay in node_modules) and imported.
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Weft } from '../http/app.js'
import { buildFailure } from './commands/build.js'
import { loadEsbuild, TO_IMPORT } from './esbuild.js'
import { CliError } from './output.js'
import type { Project } from './project.js'

/** The app file's default export: an app, or a function that returns one. */
export async function loadApp(project: Project, appFile = project.app): Promise<Weft> {
  if (!existsSync(join(project.dir, appFile))) {
    throw new CliError(
      `the app file ${appFile} does not exist`,
      'pass --app <file> (a file whose default export is the app), or set "weft": { "app": ... } in package.json',
    )
  }
  const esbuild = await loadEsbuild(project.dir)
  const outfile = join(project.dir, '.weft', `app-${process.pid}.mjs`)
  mkdirSync(join(project.dir, '.weft'), { recursive: true })
  try {
    await esbuild.build({
      absWorkingDir: project.dir,
      entryPoints: [appFile],
      outfile,
      ...TO_IMPORT,
    })
  } catch (error) {
    throw buildFailure(esbuild, error)
  }
  let loaded: { default?: unknown }
  try {
    loaded = await import(pathToFileURL(outfile).href)
  } finally {
    rmSync(outfile, { force: true })
  }
  const exported = typeof loaded.default === 'function' ? await loaded.default() : loaded.default
  if (typeof exported?.routeList !== 'function') {
    throw new CliError(
      `${appFile} has no app as its default export`,
      'end the file with `export default app` (the app from weft()), or pass --app <file>',
    )
  }
  return exported as Weft
}

/** Imports `specifier` as the app would resolve it, from its own node_modules. */
export async function importFromApp(dir: string, specifier: string): Promise<unknown> {
  const path = createRequire(join(dir, 'package.json')).resolve(specifier)
  return import(pathToFileURL(path).href)
}
