// The aggregation engine: MongoDB's pipeline stages and expressions over documents in
// memory, the same for every store that does not aggregate natively.

export { compileExpression } from './expression.js'
export { copyOut, readsInPlace } from './in-place.js'
export { type CompiledPipeline, compilePipeline } from './pipeline.js'
export { type PipelineSplit, splitGroup, splitPipeline } from './pushdown.js'
export type { ForeignFind } from './stage-lookup.js'
export { MAX_PIPELINE_STAGES, type PipelineCheckOptions, validatePipeline } from './validate.js'
