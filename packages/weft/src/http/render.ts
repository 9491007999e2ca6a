import type { ViewRenderer, ViewsOptions } from '../views/types.js'

/**
 * The app's side of `ctx.render()`: `weftjs/views` is loaded on the first render, so an
 * app without views never loads it, and the core imports nothing of it statically.
 */
export function lazyRenderer(options: ViewsOptions, dev: boolean): ViewRenderer {
  if (typeof options?.dir !== 'string') {
    throw new TypeError('WEFT_VIEWS_NO_DIR: weft({ views: { dir } }) needs the folder of the templates')
  }
  let renderer: Promise<ViewRenderer> | undefined
  return {
    async render(name, data, renderOptions) {
      renderer ??= import('../views/renderer.js').then((views) => views.createRenderer(options, dev))
      return (await renderer).render(name, data, renderOptions)
    },
  }
}
