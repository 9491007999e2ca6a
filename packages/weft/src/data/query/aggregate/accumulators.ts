// The accumulators of `$group`: each field of a group is `{ $sum: expr }` and friends.
// MongoDB's rules: `$sum` adds numbers and ignores the rest (`{ $sum: 1 }` counts),
// `$avg` is null without numbers, `$min`/`$max` skip null and missing, `$first`/`$last`
// give null for a missing value, and `$push`/`$addToSet` leave missing values out.
// All but `$push`/`$addToSet` fold as they go: a group holds one running value, not the
// list of its documents' values, so grouping a large collection makes little garbage.

import { QueryError } from '../../errors.js'
import { compareValues, isPlainObject, valuesEqual } from '../compare.js'
import type { Compile, Evaluate, Vars } from './expression-args.js'
import { isNullish } from './expression-args.js'

/** Takes one group's values, one document at a time, and gives the field's final value. */
export interface Accumulator {
  add(vars: Vars): void
  result(): unknown
}
export type AccumulatorFactory = () => Accumulator

// Left to right from 0, as `sumOf` adds an array: the same bits as summing the values at
// the end. Non-numbers (bigint included) are ignored.
class Sum implements Accumulator {
  total = 0
  constructor(readonly expr: Evaluate) {}
  add(vars: Vars): void {
    const value = this.expr(vars)
    if (typeof value === 'number') this.total += value
  }
  result(): unknown {
    return this.total
  }
}

class Average implements Accumulator {
  total = 0
  count = 0
  constructor(readonly expr: Evaluate) {}
  add(vars: Vars): void {
    const value = this.expr(vars)
    if (typeof value !== 'number') return
    this.total += value
    this.count++
  }
  result(): unknown {
    return this.count === 0 ? null : this.total / this.count
  }
}

/** `$min` (sign -1) and `$max` (1) in the cross-type order; the first of equal values stays. */
class Extreme implements Accumulator {
  best: unknown = null
  constructor(
    readonly expr: Evaluate,
    readonly sign: 1 | -1,
  ) {}
  add(vars: Vars): void {
    const value = this.expr(vars)
    if (isNullish(value)) return
    if (this.best === null || compareValues(value, this.best) * this.sign > 0) this.best = value
  }
  result(): unknown {
    return this.best
  }
}

// Every document's expression is still evaluated, so one that throws (a bad `$divide`)
// fails the pipeline as before, whichever document it is.
class First implements Accumulator {
  value: unknown
  seen = false
  constructor(readonly expr: Evaluate) {}
  add(vars: Vars): void {
    const value = this.expr(vars)
    if (this.seen) return
    this.value = value
    this.seen = true
  }
  result(): unknown {
    return this.value ?? null
  }
}

class Last implements Accumulator {
  value: unknown
  constructor(readonly expr: Evaluate) {}
  add(vars: Vars): void {
    this.value = this.expr(vars)
  }
  result(): unknown {
    return this.value ?? null
  }
}

function push(expr: Evaluate): AccumulatorFactory {
  return () => {
    const values: unknown[] = []
    return {
      add(vars) {
        const value = expr(vars)
        if (value !== undefined) values.push(value)
      },
      result: () => values,
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
  $sum: (expr) => () => new Sum(expr),
  $avg: (expr) => () => new Average(expr),
  $min: (expr) => () => new Extreme(expr, -1),
  $max: (expr) => () => new Extreme(expr, 1),
  $first: (expr) => () => new First(expr),
  $last: (expr) => () => new Last(expr),
  $push: push,
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
