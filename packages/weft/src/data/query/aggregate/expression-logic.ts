// Comparison, boolean and conditional expressions. Comparisons use MongoDB's order across
// types (so `{ $gt: ['a', 5] }` is true: strings sort above numbers), with null and
// missing equal to each other.

import { QueryError } from '../../errors.js'
import { compareValues, isPlainObject } from '../compare.js'
import {
  argumentList,
  type Compile,
  type Evaluate,
  isNullish,
  type OperatorBuilder,
  truthy,
} from './expression-args.js'

function comparison(test: (order: number) => boolean | number): OperatorBuilder {
  return (args, compile, op) => {
    const [left, right] = argumentList(op, args, compile, 2)
    return (vars) => test(Math.sign(compareValues(left(vars), right(vars))))
  }
}

function cond(args: unknown, compile: Compile, op: string): Evaluate {
  let parts: unknown[]
  if (Array.isArray(args)) parts = args
  else if (isPlainObject(args) && 'if' in args && 'then' in args && 'else' in args)
    parts = [args.if, args.then, args.else]
  else throw new QueryError(`${op} needs [if, then, else] or { if, then, else }.`)
  const [test, then, otherwise] = argumentList(op, parts, compile, 3)
  return (vars) => (truthy(test(vars)) ? then(vars) : otherwise(vars))
}

// { $ifNull: [a, b, ..., replacement] }: the first that is neither null nor missing.
function ifNull(args: unknown, compile: Compile, op: string): Evaluate {
  const items = argumentList(op, args, compile, 2, Number.POSITIVE_INFINITY)
  return (vars) => {
    for (let i = 0; i < items.length - 1; i++) {
      const value = items[i](vars)
      if (!isNullish(value)) return value
    }
    return items[items.length - 1](vars)
  }
}

// { $switch: { branches: [{ case, then }], default } }
function switchOf(args: unknown, compile: Compile): Evaluate {
  if (!isPlainObject(args) || !Array.isArray(args.branches))
    throw new QueryError('$switch needs { branches: [{ case, then }], default }.')
  const branches = args.branches.map((branch) => {
    if (!isPlainObject(branch) || !('case' in branch) || !('then' in branch))
      throw new QueryError('Each $switch branch needs { case, then }.')
    return [compile(branch.case), compile(branch.then)] as const
  })
  const fallback = 'default' in args ? compile(args.default) : undefined
  return (vars) => {
    for (const [test, then] of branches) if (truthy(test(vars))) return then(vars)
    if (!fallback) throw new QueryError('$switch found no matching branch and has no default.')
    return fallback(vars)
  }
}

export const logicOperators: Record<string, OperatorBuilder> = {
  $eq: comparison((order) => order === 0),
  $ne: comparison((order) => order !== 0),
  $gt: comparison((order) => order > 0),
  $gte: comparison((order) => order >= 0),
  $lt: comparison((order) => order < 0),
  $lte: comparison((order) => order <= 0),
  $cmp: comparison((order) => order),
  $and: (args, compile, op) => {
    const items = argumentList(op, args, compile, 0, Number.POSITIVE_INFINITY)
    return (vars) => items.every((item) => truthy(item(vars)))
  },
  $or: (args, compile, op) => {
    const items = argumentList(op, args, compile, 0, Number.POSITIVE_INFINITY)
    return (vars) => items.some((item) => truthy(item(vars)))
  },
  $not: (args, compile, op) => {
    const [arg] = argumentList(op, args, compile, 1)
    return (vars) => !truthy(arg(vars))
  },
  $cond: cond,
  $ifNull: ifNull,
  $switch: switchOf,
}
