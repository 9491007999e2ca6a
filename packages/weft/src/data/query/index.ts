// The store-independent query engine: every store imports what it cannot do natively
// from here, so all stores answer with the same MongoDB semantics.

export { compareValues, isPlainObject, typeRank, valuesEqual } from './compare.ts'
export { compileFilter, isOperatorObject, type Predicate } from './match.ts'
export { getPath, splitPath, valuesAtPath } from './paths.ts'
export { compileProjection } from './project.ts'
export { type Comparator, compileSort } from './sort.ts'
export { type ApplyUpdateOptions, applyUpdate, isOperatorUpdate, upsertDocument } from './update.ts'
export { type FilterCheckOptions, untrusted, validateFilter, validateUpdate } from './validate.ts'
export { cloneValue } from './write-path.ts'
