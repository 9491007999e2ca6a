// The guards every pipeline passes before it runs, whoever wrote it: server-side code
// ($where, $function, $accumulator, $expr...) is refused wherever it appears, the pipeline
// is bounded in stages, nesting and list sizes, every `$match` gets the filter checks
// (operator injection included), an object from `untrusted()` input may not bring
// operators (`$` keys) or field references (`'$field'` strings) unless `allowOperators`,
// and no key names `__proto__` (see checkFieldName in paths.ts).

import { QueryError } from '../../errors.js'
import type { Filter } from '../../store.js'
import { isPlainObject } from '../compare.js'
import { refuseOperator } from '../operators.js'
import { checkPath } from '../paths.js'
import { isUntrusted, MAX_FILTER_DEPTH, MAX_OPERATOR_LIST, validateFilter } from '../validate.js'
import { stageOf } from './pipeline.js'

/** Most stages in one pipeline, `$facet` sub-pipelines included. */
export const MAX_PIPELINE_STAGES = 100

const serverCode = new Set(['$where', '$function', '$accumulator', '$expr', '$jsonSchema', '$eval'])

export interface PipelineCheckOptions {
  allowOperators?: boolean
}

export function validatePipeline(pipeline: unknown, options: PipelineCheckOptions = {}): void {
  if (!Array.isArray(pipeline))
    throw new QueryError('A pipeline must be an array of stages, e.g. [{ $match: { done: false } }].')
  const allow = options.allowOperators === true
  walk(pipeline, allow)
  let stages = 0
  const checkStages = (list: unknown[]) => {
    list.forEach((stage, i) => {
      if (++stages > MAX_PIPELINE_STAGES) throw tooLarge(`has more than ${MAX_PIPELINE_STAGES} stages`)
      const [op, spec] = stageOf(stage, i)
      if (op === '$match') validateFilter(spec as Filter, { allowOperators: allow })
      if (op === '$facet' && isPlainObject(spec))
        for (const sub of Object.values(spec)) if (Array.isArray(sub)) checkStages(sub)
    })
  }
  checkStages(pipeline)
}

// One pass over the whole pipeline with its own stack: depth, list sizes, refused
// operators, and what untrusted input may carry.
function walk(pipeline: unknown[], allow: boolean): void {
  const pending: [unknown, number, boolean][] = [[pipeline, 0, false]]
  while (pending.length > 0) {
    const [value, depth, fromInput] = pending.pop()!
    if (typeof value === 'string') {
      if (fromInput && !allow && value.startsWith('$')) injection(`the string "${value.slice(0, 40)}"`)
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    if (depth > MAX_FILTER_DEPTH) throw tooLarge(`nests deeper than ${MAX_FILTER_DEPTH} levels`)
    const untrusted = fromInput || isUntrusted(value)
    if (Array.isArray(value)) {
      if (value.length > MAX_OPERATOR_LIST)
        throw tooLarge(`has a list of ${value.length} items, more than ${MAX_OPERATOR_LIST}`)
      for (const item of value) pending.push([item, depth + 1, untrusted])
    } else if (isPlainObject(value)) {
      for (const key of Object.keys(value)) {
        if (serverCode.has(key)) refuseOperator(key, 'in a pipeline')
        checkPath(key)
        if (untrusted && !allow && key.startsWith('$')) injection(`the key "${key}"`)
        pending.push([value[key], depth + 1, untrusted])
      }
    }
  }
}

function injection(what: string): never {
  throw new QueryError(
    `Operator refused in a pipeline: ${what} came from untrusted input (operator injection). ` +
      'Put input values in { $literal: value } or $match equalities, or pass { allowOperators: true }.',
    'WEFT_DATA_OPERATOR_INJECTION',
  )
}

function tooLarge(what: string): QueryError {
  return new QueryError(`The pipeline ${what}. Split it into smaller steps.`, 'WEFT_DATA_QUERY_TOO_LARGE')
}
