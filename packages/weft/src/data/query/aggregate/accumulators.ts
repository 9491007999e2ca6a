// The accumulators of `$group`: each field of a group is `{ $sum: expr }` and friends.
// MongoDB's rules: `$sum` adds numbers and ignores the rest (`{ $sum: 1 }` counts),
// `$avg` is null without numbers, `$min`/`$max` skip null and missing, `$first`/`$last`
// give null for a missing value, and `$push`/`$addToSet` leave missing values out.

import { QueryError } from '../../errors.js'
import { isPlainObject, valuesEqual } from '../compare.js'
import type { Compile, Evaluate, Vars } from './expression-args.js'
import { averageOf, extremeOf, sumOf } from './expression-array.js'

/** Collects one group's values and gives the field's final value. */
export interface Accumulator {
  add(vars: Vars): void
  result(): unknown
}
export type AccumulatorFactory = () => Accumulator

function collecting(expr: Evaluate, finish: (values: unknown[]) => unknown): AccumulatorFactory {
  return () => {
    const values: unknown[] = []
    return {
      add: (vars) => values.push(expr(vars)),
      result: () => finish(values),
    }
  }
}

function addToSet(expr: Evaluate): AccumulatorFactory {
  return () => {
    const values: unknown[] = []
    return {
      add(vars) {
        const value = expr(vars)
        if (value !== undefined && !values.some((seen) => valuesEqual(seen, value))) values.push(value)
      },
      result: () => values,
    }
  }
}

const builders: Record<string, (expr: Evaluate) => AccumulatorFactory> = {
  $sum: (expr) => collecting(expr, sumOf),
  $avg: (expr) => collecting(expr, averageOf),
  $min: (expr) => collecting(expr, (values) => extremeOf(values, -1)),
  $max: (expr) => collecting(expr, (values) => extremeOf(values, 1)),
  $first: (expr) => collecting(expr, (values) => (values.length === 0 ? null : (values[0] ?? null))),
  $last: (expr) =>
    collecting(expr, (values) => (values.length === 0 ? null : (values[values.length - 1] ?? null))),
  $push: (expr) => collecting(expr, (values) => values.filter((value) => value !== undefined)),
  $addToSet: addToSet,
}

/** `{ $sum: '$qty' }` -> a factory of accumulators for one output field. */
export function compileAccumulator(field: string, spec: unknown, compile: Compile): AccumulatorFactory {
  const keys = isPlainObject(spec) ? Object.keys(spec) : []
  if (keys.length !== 1) {
    throw new QueryError(`$group field "${field}" needs one accumulator, e.g. { ${field}: { $sum: 1 } }.`)
  }
  const op = keys[0]
  const operand = (spec as Record<string, unknown>)[op]
  if (op === '$count') {
    if (!isPlainObject(operand) || Object.keys(operand).length > 0)
      throw new QueryError('$count in $group takes {}.')
    return builders.$sum(() => 1)
  }
  const build = builders[op]
  if (!build) {
    throw new QueryError(
      `Unknown accumulator ${op} for "${field}". Supported: ${[...Object.keys(builders), '$count'].join(' ')}.`,
      'WEFT_DATA_BAD_OPERATOR',
    )
  }
  return build(compile(operand))
}
