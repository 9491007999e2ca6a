import { relative } from 'node:path'
import { canImport, loadOptional, needPackage, type PackageNeed } from '../shared/peers.js'
import { syntaxErrorLine } from './eta-syntax-line.js'
import type { EngineFactory, ViewEngine } from './types.js'

type EtaModule = typeof import('eta')

/** What the default engine needs installed, checked at start-up with the other optional packages. */
export const ETA: PackageNeed = {
  package: 'eta',
  neededBy: 'weftjs/views (the default Eta engine)',
  present: () => canImport('eta'),
}

/**
 * Eta, the default engine: `<%= it.name %>` escapes, `<%~ it.html %>` does not,
 * `<%~ include('partials/nav', it) %>` includes and `<% layout('layouts/main') %>` wraps.
 * Fast, small and the same on every runtime.
 * @example weft({ views: { dir: './views', engine: eta({ tags: ['{{', '}}'] }) } })
 */
export function eta(config: Partial<import('eta').EtaConfig> = {}): EngineFactory {
  needPackage(ETA)
  return async ({ dir, cache }): Promise<ViewEngine> => {
    const { Eta } = await loadOptional<EtaModule>('eta', () => import('eta'), 'the default view engine')
    // debug: runtime errors name the template file and line. It costs one assignment per
    // tag, which is cheap beside an answer's I/O, and a production error log needs the line.
    const engine = new Eta({ views: dir, cache, autoEscape: true, debug: true, ...config })
    return {
      extension: '.eta',
      async render(file, data) {
        try {
          return await engine.renderAsync(relative(dir, file), data)
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('Bad template syntax')) {
            const line = await syntaxErrorLine(engine, file)
            const reason = error.message.split('\n').find((l) => l.trim() && l !== 'Bad template syntax')
            if (line !== null) error.message = `${file}:${line}: bad template syntax: ${reason}`
          }
          throw error
        }
      },
    }
  }
}
