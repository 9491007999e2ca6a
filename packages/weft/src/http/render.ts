// The core's side of `ctx.render()`: the shapes weftjs/views implements. The core holds
// only these types; the entry ('weftjs') installs the loader that imports weftjs/views on
// the first render, so the core never imports views and an app without views never loads it.

/** One template engine behind `ctx.render()`: Eta by default, any other by this shape. */
export interface ViewEngine {
  /** File extension of its templates, with the dot: `.eta`, `.hbs`. */
  readonly extension: string
  /**
   * Renders the template at `file` (an absolute path inside the views folder) with `data`.
   * Escaping is on: interpolated values are HTML-escaped unless the template asks for raw.
   */
  render(file: string, data: Record<string, unknown>): Promise<string>
}

/** What an engine is built from; `cache` is off in development, so edits show on reload. */
export interface EngineOptions {
  dir: string
  cache: boolean
}

/** Makes an engine once the app knows its folder and mode. @example views: { dir, engine: handlebars() } */
export type EngineFactory = (options: EngineOptions) => ViewEngine | Promise<ViewEngine>

/** `weft({ views })`. */
export interface ViewsOptions {
  /** The folder that holds the templates. */
  dir: string
  /** The engine; default Eta (`npm install eta`). */
  engine?: EngineFactory
  /** A layout every page is wrapped in (its template gets the page as `body`); default none. */
  layout?: string | false
  /** Compile each template once and keep it. Default: on unless the app is in development. */
  cache?: boolean
}

/** The third argument of `ctx.render()`. */
export interface RenderOptions {
  status?: number
  /** This page's layout, or false for none; default the app's `views.layout`. */
  layout?: string | false
}

/** What the app calls to turn a template name and data into HTML. */
export interface ViewRenderer {
  render(name: string, data: Record<string, unknown>, options?: RenderOptions): Promise<string>
}
