// What every expression operator shares: the compiled-expression types, argument
// lists, field-path reading and MongoDB's notions of truth and of null-or-missing.

import { QueryError } from '../../errors.js'
import { isPlainObject } from '../compare.js'
import { ownField } from '../paths.js'

export type Vars = Record<string, unknown> & { CURRENT: unknown; ROOT: unknown }
/** A compiled expression: the value for one document (in `vars.CURRENT`). */
export type Evaluate = (vars: Vars) => unknown
export type Compile = (expr: unknown) => Evaluate
/** Builds an operator's evaluator from its (unevaluated) arguments. */
export type OperatorBuilder = (args: unknown, compile: Compile, op: string) => Evaluate

/** `$a.b` on arrays: the values of `b` in every document of `a` (non-documents are dropped). */
export function fieldPath(value: unknown, path: string[], start = 0): unknown {
  if (start === path.length) return value
  if (Array.isArray(value)) {
    const out: unknown[] = []
    for (const item of value) {
      if (!isPlainObject(item) && !Array.isArray(item)) continue
      const inner = fieldPath(item, path, start)
      if (inner !== undefined) out.push(inner)
    }
    return out
  }
  if (!isPlainObject(value)) return undefined
  return fieldPath(ownField(value, path[start]), path, start + 1)
}

/** Inside arrays a missing value becomes null, as in MongoDB. */
export function nullIfMissing(value: unknown): unknown {
  return value === undefined ? null : value
}

/** The arguments of an operator as a list of `min`..`max` compiled expressions. */
export function argumentList(
  op: string,
  args: unknown,
  compile: Compile,
  min: number,
  max = min,
): Evaluate[] {
  const list = Array.isArray(args) ? args : [args]
  if (list.length < min || list.length > max) {
    const count =
      min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`
    throw new QueryError(
      `${op} takes ${count} argument${min === 1 && max === 1 ? '' : 's'}, got ${list.length}.`,
    )
  }
  return list.map(compile)
}

/** MongoDB truthiness: false, null, missing and 0 are false; everything else is true. */
export function truthy(value: unknown): boolean {
  return !(value === false || value === null || value === undefined || value === 0)
}

/** null or missing. */
export function isNullish(value: unknown): value is null | undefined {
  return value === null || value === undefined
}
