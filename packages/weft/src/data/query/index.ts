// The store-independent query engine: every store imports what it cannot do natively
// from here, so all stores answer with the same MongoDB semantics.

export { MAX_PIPELINE_STAGES } from './aggregate/index.js'
export { compareValues, isPlainObject, typeRank, valuesEqual } from './compare.js'
export { compileFilter, isOperatorObject, type Predicate } from './match.js'
export { distinctValues, getPath, splitPath, valuesAtPath } from './paths.js'
export { compileProjection } from './project.js'
export { MAX_REGEX_LENGTH, MAX_REGEX_REPEAT } from './regex.js'
export { type Comparator, compileSort } from './sort.js'
export {
  type ApplyUpdateOptions,
  applyUpdate,
  comparePaths,
  isOperatorUpdate,
  upsertDocument,
} from './update.js'
export {
  containsDollarKey,
  type FilterCheckOptions,
  isUntrusted,
  MAX_FILTER_DEPTH,
  MAX_OPERATOR_LIST,
  untrusted,
  validateFilter,
  validateUpdate,
} from './validate.js'
export { cloneValue } from './write-path.js'
