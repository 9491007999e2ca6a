import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { importFromApp, loadApp } from '../load-app.js'
import { green, log } from '../output.js'
import { readProject } from '../project.js'

export const openapiHelp = `Usage: weft openapi [--out openapi.json] [--app src/app.ts]

Writes the app's OpenAPI 3.1 document (app.openapi()) to stdout, or to a file with --out.
Title and version come from package.json.

  --out            write the document to this file instead of stdout
  --app            the app file (default: "weft.app" in package.json, or src/app.ts)
`

export async function openapi(_: string[], flags: { app?: string; out?: string }): Promise<number> {
  const project = readProject(process.cwd())
  const app = await loadApp(project, flags.app)
  // app.openapi() comes with weftjs/docs: loaded from the app's own weftjs, so it joins the
  // same Weft class the app was made with, even when the app never imports it.
  if (typeof app.openapi !== 'function') await importFromApp(project.dir, 'weftjs/docs')
  const info = {
    title: String(project.packageJson.name ?? 'API'),
    version: String(project.packageJson.version ?? '0.0.0'),
  }
  const text = `${JSON.stringify(app.openapi({ info }), null, 2)}\n`
  if (!flags.out) {
    process.stdout.write(text)
    return 0
  }
  writeFileSync(resolve(flags.out), text)
  log(`${green('✓')} wrote ${flags.out}`)
  return 0
}
