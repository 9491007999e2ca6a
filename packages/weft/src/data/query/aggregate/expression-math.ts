// Arithmetic expressions: null or missing in, null out; anything else non-numeric is an
// error, as in MongoDB. `$add` also adds milliseconds to one date, and `$subtract`
// takes dates apart (date - date = milliseconds).

import { QueryError } from '../../errors.js'
import {
  argumentList,
  type Compile,
  type Evaluate,
  isNullish,
  type OperatorBuilder,
} from './expression-args.js'

function numeric(op: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw new QueryError(`${op} only supports numeric types, got ${JSON.stringify(value) ?? 'missing'}.`)
  }
  return value
}

function variadic(fold: (values: number[]) => number): OperatorBuilder {
  return (args, compile, op) => {
    const items = argumentList(op, args, compile, 0, Number.POSITIVE_INFINITY)
    return (vars) => {
      const values = items.map((item) => item(vars))
      if (values.some(isNullish)) return null
      return fold(values.map((value) => numeric(op, value)))
    }
  }
}

function binary(fn: (a: number, b: number, op: string) => number | null): OperatorBuilder {
  return (args, compile, op) => {
    const [left, right] = argumentList(op, args, compile, 2)
    return (vars) => {
      const a = left(vars)
      const b = right(vars)
      if (isNullish(a) || isNullish(b)) return null
      return fn(numeric(op, a), numeric(op, b), op)
    }
  }
}

function unary(fn: (value: number) => number): OperatorBuilder {
  return (args, compile, op) => {
    const [arg] = argumentList(op, args, compile, 1)
    return (vars) => {
      const value = arg(vars)
      return isNullish(value) ? null : fn(numeric(op, value))
    }
  }
}

function add(args: unknown, compile: Compile, op: string): Evaluate {
  const items = argumentList(op, args, compile, 0, Number.POSITIVE_INFINITY)
  return (vars) => {
    let total = 0
    let date = false
    for (const item of items) {
      const value = item(vars)
      if (isNullish(value)) return null
      if (value instanceof Date) {
        if (date) throw new QueryError('$add can add at most one date.')
        date = true
        total += value.getTime()
      } else total += numeric(op, value)
    }
    return date ? new Date(total) : total
  }
}

function subtract(args: unknown, compile: Compile, op: string): Evaluate {
  const [left, right] = argumentList(op, args, compile, 2)
  return (vars) => {
    const a = left(vars)
    const b = right(vars)
    if (isNullish(a) || isNullish(b)) return null
    if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime()
    if (a instanceof Date) return new Date(a.getTime() - numeric(op, b))
    return numeric(op, a) - numeric(op, b)
  }
}

// $round rounds half to even, like MongoDB; $trunc drops digits.
function roundTo(mode: 'round' | 'trunc'): OperatorBuilder {
  return (args, compile, op) => {
    const [arg, placesArg] = argumentList(op, args, compile, 1, 2)
    return (vars) => {
      const value = arg(vars)
      const places = placesArg ? placesArg(vars) : 0
      if (isNullish(value) || isNullish(places)) return null
      const scale = 10 ** numeric(op, places)
      const scaled = numeric(op, value) * scale
      if (mode === 'trunc') return Math.trunc(scaled) / scale
      const floor = Math.floor(scaled)
      const diff = scaled - floor
      const even = diff === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(scaled)
      return even / scale
    }
  }
}

export const mathOperators: Record<string, OperatorBuilder> = {
  $add: add,
  $subtract: subtract,
  $multiply: variadic((values) => values.reduce((a, b) => a * b, 1)),
  $divide: binary((a, b, op) => {
    if (b === 0) throw new QueryError(`${op} by zero.`)
    return a / b
  }),
  $mod: binary((a, b, op) => {
    if (b === 0) throw new QueryError(`${op} by zero.`)
    return a % b
  }),
  $pow: binary((a, b) => a ** b),
  $abs: unary(Math.abs),
  $ceil: unary(Math.ceil),
  $floor: unary(Math.floor),
  $sqrt: unary(Math.sqrt),
  $round: roundTo('round'),
  $trunc: roundTo('trunc'),
}
