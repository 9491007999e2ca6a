import { Weft } from '../http/app.js'
import type { ViewRenderer, ViewsOptions } from '../http/render.js'

/**
 * Gives every app made with `weft({ views })` its renderer. The renderer module (and Eta)
 * is imported on the first render, so an app without views never loads it.
 */
Weft.extend((app) => {
  if (app.viewsOptions) app.views = lazyRenderer(app.viewsOptions, app.dev)
})

function lazyRenderer(options: ViewsOptions, dev: boolean): ViewRenderer {
  if (typeof options?.dir !== 'string') {
    throw new TypeError('WEFT_VIEWS_NO_DIR: weft({ views: { dir } }) needs the folder of the templates')
  }
  let renderer: Promise<ViewRenderer> | undefined
  return {
    async render(name, data, renderOptions) {
      renderer ??= import('./renderer.js').then((views) => views.createRenderer(options, dev))
      return (await renderer).render(name, data, renderOptions)
    },
  }
}
