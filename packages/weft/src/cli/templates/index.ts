// Which templates this weftjs can scaffold, and the files of each.
import { readFileSync } from 'node:fs'
import { CliError, EXIT } from '../output.js'
import { apiFiles } from './api.js'
import type { Files, TemplateName, TemplateOptions } from './options.js'
import { projectFiles } from './project-files.js'

/** The subpaths each template imports beyond the core, data and di. */
const NEEDS: Record<TemplateName, string[]> = {
  api: [],
  fullstack: ['./views', './static', './secure-headers'],
  realtime: ['./realtime'],
}

/** The subpaths the installed weftjs exports, read from its own package.json. */
export function ownSubpaths(): Set<string> {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'))
  return new Set(Object.keys(pkg.exports ?? {}))
}

export function ownVersion(): string {
  return JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version
}

export function templateFiles(options: TemplateOptions): Files {
  const missing = NEEDS[options.template].filter((subpath) => !options.subpaths.has(subpath))
  if (missing.length > 0) {
    throw new CliError(
      `the ${options.template} template is not yet available in weftjs ${ownVersion()}: it needs ${missing
        .map((s) => `weftjs/${s.slice(2)}`)
        .join(', ')}`,
      'use `--template api` for now, or a newer weftjs: npx weftjs@latest new <dir>',
      EXIT.usage,
    )
  }
  return { ...projectFiles(options), ...apiFiles(options) }
}
