// Array expressions, and the expression forms of `$sum` `$avg` `$min` `$max` (one array
// argument, or several values). `$map` and `$filter` bind `$$this` (or their `as`).

import { QueryError } from '../../errors.js'
import { compareValues, isPlainObject, valuesEqual } from '../compare.js'
import {
  argumentList,
  type Compile,
  type Evaluate,
  isNullish,
  type OperatorBuilder,
  truthy,
  type Vars,
} from './expression-args.js'

function arrayOf(op: string, value: unknown): unknown[] {
  if (!Array.isArray(value))
    throw new QueryError(`${op} needs an array, got ${JSON.stringify(value) ?? 'missing'}.`)
  return value
}

/** With one argument, its elements when it is an array; with several, the values. */
function operands(args: unknown, compile: Compile, op: string): (vars: Vars) => unknown[] {
  const items = argumentList(op, args, compile, 1, Number.POSITIVE_INFINITY)
  if (items.length > 1) return (vars) => items.map((item) => item(vars))
  return (vars) => {
    const value = items[0](vars)
    return Array.isArray(value) ? value : [value]
  }
}

function summary(fold: (values: unknown[]) => unknown): OperatorBuilder {
  return (args, compile, op) => {
    const values = operands(args, compile, op)
    return (vars) => fold(values(vars))
  }
}

/** $sum: numbers only, others ignored; 0 when none. */
export function sumOf(values: unknown[]): number {
  let total = 0
  for (const value of values) if (typeof value === 'number') total += value
  return total
}

/** $avg: mean of the numbers, null when none. */
export function averageOf(values: unknown[]): number | null {
  const numbers = values.filter((value): value is number => typeof value === 'number')
  return numbers.length === 0 ? null : sumOf(numbers) / numbers.length
}

/** $min / $max: null and missing are ignored; null when nothing is left. */
export function extremeOf(values: unknown[], sign: 1 | -1): unknown {
  let best: unknown = null
  for (const value of values) {
    if (isNullish(value)) continue
    if (best === null || compareValues(value, best) * sign > 0) best = value
  }
  return best
}

function iterate(
  args: unknown,
  compile: Compile,
  op: string,
  body: 'in' | 'cond',
): [Evaluate, string, Evaluate] {
  if (!isPlainObject(args) || !('input' in args) || !(body in args))
    throw new QueryError(`${op} needs { input, as?, ${body} }.`)
  const name = args.as ?? 'this'
  if (typeof name !== 'string' || !/^[a-z][A-Za-z0-9_]*$/.test(name))
    throw new QueryError(`${op} "as" must be a variable name starting with a lowercase letter.`)
  return [compile(args.input), name, compile(args[body])]
}

function map(args: unknown, compile: Compile, op: string): Evaluate {
  const [input, name, body] = iterate(args, compile, op, 'in')
  return (vars) => {
    const list = input(vars)
    if (isNullish(list)) return null
    return arrayOf(op, list).map((item) => body({ ...vars, [name]: item }) ?? null)
  }
}

function filter(args: unknown, compile: Compile, op: string): Evaluate {
  const [input, name, cond] = iterate(args, compile, op, 'cond')
  return (vars) => {
    const list = input(vars)
    if (isNullish(list)) return null
    return arrayOf(op, list).filter((item) => truthy(cond({ ...vars, [name]: item })))
  }
}

// { $first: '$list' }: the first (or last) element; null for null, missing or [].
function edge(args: unknown, compile: Compile, op: string, at: 0 | -1): Evaluate {
  const [arg] = argumentList(op, args, compile, 1)
  return (vars) => {
    const value = arg(vars)
    if (isNullish(value)) return null
    const items = arrayOf(op, value)
    return items.length === 0 ? null : (items.at(at) ?? null)
  }
}

export const arrayOperators: Record<string, OperatorBuilder> = {
  $size: (args, compile, op) => {
    const [arg] = argumentList(op, args, compile, 1)
    return (vars) => arrayOf(op, arg(vars)).length
  },
  $isArray: (args, compile, op) => {
    const [arg] = argumentList(op, args, compile, 1)
    return (vars) => Array.isArray(arg(vars))
  },
  $in: (args, compile, op) => {
    const [item, list] = argumentList(op, args, compile, 2)
    return (vars) => {
      const value = item(vars)
      return arrayOf(op, list(vars)).some((member) => valuesEqual(member, value))
    }
  },
  $arrayElemAt: (args, compile, op) => {
    const [list, index] = argumentList(op, args, compile, 2)
    return (vars) => {
      const array = list(vars)
      const at = index(vars)
      if (isNullish(array) || isNullish(at)) return null
      if (typeof at !== 'number' || !Number.isInteger(at))
        throw new QueryError(`${op} index must be a whole number.`)
      const items = arrayOf(op, array)
      return items[at < 0 ? items.length + at : at]
    }
  },
  $first: (args, compile, op) => edge(args, compile, op, 0),
  $last: (args, compile, op) => edge(args, compile, op, -1),
  $concatArrays: (args, compile, op) => {
    const items = argumentList(op, args, compile, 0, Number.POSITIVE_INFINITY)
    return (vars) => {
      const out: unknown[] = []
      for (const item of items) {
        const value = item(vars)
        if (isNullish(value)) return null
        out.push(...arrayOf(op, value))
      }
      return out
    }
  },
  $map: map,
  $filter: filter,
  $sum: summary(sumOf),
  $avg: summary(averageOf),
  $min: summary((values) => extremeOf(values, -1)),
  $max: summary((values) => extremeOf(values, 1)),
}
