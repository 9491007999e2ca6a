import { resolve } from 'node:path'
import { needPackage } from '../shared/peers.js'
import { ETA, eta } from './eta.js'
import { templatePath } from './template-path.js'
import type { RenderOptions, ViewEngine, ViewRenderer, ViewsOptions } from './types.js'

/** A template that failed to compile or run; its message names the file and, where known, the line. */
export class ViewError extends Error {
  readonly code = 'WEFT_VIEW_ERROR'
  constructor(
    message: string,
    readonly file: string,
    options: { cause: unknown },
  ) {
    super(message, options)
    this.name = 'ViewError'
  }
}

/**
 * What `weft({ views })` renders with: the engine is made on first use, a page is
 * rendered and then wrapped in its layout (which gets it as `body`).
 */
export function createRenderer(options: ViewsOptions, dev: boolean): ViewRenderer {
  if (typeof options?.dir !== 'string')
    throw new TypeError('WEFT_VIEWS_NO_DIR: weft({ views: { dir } }) needs the templates folder')
  const dir = resolve(options.dir)
  if (!options.engine) needPackage(ETA)
  const cache = options.cache ?? !dev
  let engine: Promise<ViewEngine> | undefined
  const ready = () => (engine ??= Promise.resolve((options.engine ?? eta())({ dir, cache })))
  const renderFile = async (name: string, data: Record<string, unknown>) => {
    const view = await ready()
    const file = templatePath(dir, name, view.extension)
    try {
      return await view.render(file, data)
    } catch (error) {
      throw toViewError(error, file)
    }
  }
  return {
    async render(name: string, data: Record<string, unknown>, renderOptions: RenderOptions = {}) {
      const body = await renderFile(name, data)
      const layout = renderOptions.layout ?? options.layout ?? false
      return layout === false ? body : renderFile(layout, { ...data, body })
    },
  }
}

function toViewError(error: unknown, file: string): ViewError {
  const message = error instanceof Error ? error.message : String(error)
  // Eta's runtime errors start with "file:line"; parse errors carry "line N" without the file.
  const named = message.includes(file) ? message : `${file}: ${message}`
  return new ViewError(`WEFT_VIEW_ERROR: ${named}`, file, { cause: error })
}
