// The shapes of weftjs/views, declared by the core (http/render.ts) so that the core's
// `ctx.render()` and `weft({ views })` can name them without importing this layer.
export type {
  EngineFactory,
  EngineOptions,
  RenderOptions,
  ViewEngine,
  ViewRenderer,
  ViewsOptions,
} from '../http/render.js'
