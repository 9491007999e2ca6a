// Which templates this weftjs can scaffold, and the files of each.
import { readFileSync } from 'node:fs'
import { CliError, EXIT } from '../output.js'
import { apiFiles } from './api.js'
import { fullstackFiles } from './fullstack.js'
import type { Files, TemplateName, TemplateOptions } from './options.js'
import { projectFiles } from './project-files.js'
import { realtimeFiles } from './realtime.js'

interface Template {
  /** Subpaths it imports beyond the core, data and di. */
  needs: string[]
  /** Its own files; null while the template is not written yet. */
  files: ((options: TemplateOptions) => Files) | null
}

const TEMPLATES: Record<TemplateName, Template> = {
  api: { needs: ['./secure-headers'], files: apiFiles },
  fullstack: { needs: ['./views', './static', './secure-headers'], files: fullstackFiles },
  realtime: {
    needs: ['./realtime', './client', './static', './secure-headers'],
    files: realtimeFiles,
  },
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
  const template = TEMPLATES[options.template]
  const missing = template.needs.filter((subpath) => !options.subpaths.has(subpath))
  if (!template.files || missing.length > 0) {
    throw new CliError(
      `the ${options.template} template is not yet available in weftjs ${ownVersion()}`,
      'use `--template api` for now, or a newer weftjs: npx weftjs@latest new <dir>',
      EXIT.usage,
    )
  }
  return { ...projectFiles(options), ...template.files(options) }
}
