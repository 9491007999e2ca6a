export { eta } from './eta.js'
export { handlebars } from './handlebars.js'
export { createRenderer, ViewError } from './renderer.js'
export type {
  EngineFactory,
  EngineOptions,
  RenderOptions,
  ViewEngine,
  ViewRenderer,
  ViewsOptions,
} from './types.js'
