import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { canImport, loadOptional, needPackage } from '../shared/peers.js'
import type { EngineFactory, ViewEngine } from './types.js'

type HandlebarsModule = typeof import('handlebars')
type Template = (data: unknown) => string

/**
 * Handlebars: logic-less templates that designers and front-end code already know
 * (express-handlebars is the most used view setup in Express apps), so existing
 * templates move over as they are. `{{name}}` escapes, `{{{html}}}` does not, and every
 * file under `partials/` is a partial by its path: `{{> nav}}` for `partials/nav.hbs`.
 * @example weft({ views: { dir: './views', engine: handlebars(), layout: 'layout' } })
 */
export function handlebars(): EngineFactory {
  needPackage({
    package: 'handlebars',
    neededBy: 'weftjs/views (handlebars())',
    present: () => canImport('handlebars'),
  })
  return async ({ dir, cache }): Promise<ViewEngine> => {
    const module = await loadOptional<HandlebarsModule>(
      'handlebars',
      () => import('handlebars'),
      'the handlebars view engine',
    )
    const Handlebars = (module as unknown as { default?: HandlebarsModule }).default ?? module
    const compiled = new Map<string, Template>()
    let partialsLoaded: Promise<void> | null = null
    // One environment per app, so partials of one app never show in another.
    const env = Handlebars.create()
    const loadPartials = async () => {
      for (const file of await listFiles(join(dir, 'partials'))) {
        if (!file.endsWith('.hbs')) continue
        const name = relative(join(dir, 'partials'), file).slice(0, -4).replaceAll('\\', '/')
        env.registerPartial(name, await readFile(file, 'utf8'))
      }
    }
    const compile = async (file: string): Promise<Template> => {
      const source = await readFile(file, 'utf8')
      const template = env.compile(source)
      return (data) => template(data)
    }
    return {
      extension: '.hbs',
      async render(file, data) {
        if (!cache || !partialsLoaded) partialsLoaded = loadPartials()
        await partialsLoaded
        let template = cache ? compiled.get(file) : undefined
        if (!template) {
          template = await compile(file)
          if (cache) compiled.set(file, template)
        }
        try {
          return template(data)
        } catch (error) {
          // Handlebars compiles on first call; its parse errors carry the line as a property.
          const line = (error as { lineNumber?: number }).lineNumber
          if (line !== undefined && error instanceof Error) error.message = `line ${line}: ${error.message}`
          throw error
        }
      },
    }
  }
}

async function listFiles(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return []
  }
  const files: string[] = []
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await listFiles(path)))
    else files.push(path)
  }
  return files
}
