// Aggregation expressions as MongoDB evaluates them: `'$a.b'` reads a field of the
// current document (stepping into every document of an array, so `'$items.price'` is
// the list of prices), `'$$ROOT'` / `'$$name'` read variables, an object of fields
// builds a document, an array builds an array, and `{ $op: args }` applies an operator.
// A missing value is `undefined` throughout and becomes absent in the output.

import { QueryError } from '../../errors.js'
import { isPlainObject } from '../compare.js'
import { splitPath } from '../paths.js'
import {
  type Compile,
  type Evaluate,
  fieldPath,
  nullIfMissing,
  type OperatorBuilder,
  type Vars,
} from './expression-args.js'
import { arrayOperators } from './expression-array.js'
import { dateOperators } from './expression-date.js'
import { logicOperators } from './expression-logic.js'
import { mathOperators } from './expression-math.js'
import { textOperators } from './expression-text.js'

export type { Evaluate, Vars }

const operators: Record<string, OperatorBuilder> = {
  ...mathOperators,
  ...logicOperators,
  ...textOperators,
  ...dateOperators,
  ...arrayOperators,
  $literal: (args) => () => args,
  $let: compileLet,
}

/** Names of every supported expression operator (for errors and validation). */
export const expressionOperators: ReadonlySet<string> = new Set(Object.keys(operators))

/** `compileExpression({ $add: ['$a', 1] })({ CURRENT: doc, ROOT: doc })` -> a value. */
export function compileExpression(expr: unknown): Evaluate {
  if (typeof expr === 'string' && expr.startsWith('$')) return compileReference(expr)
  if (Array.isArray(expr)) {
    const items = expr.map(compileExpression)
    return (vars) => items.map((item) => nullIfMissing(item(vars)))
  }
  if (!isPlainObject(expr)) return () => expr
  const keys = Object.keys(expr)
  if (keys.length === 1 && keys[0].startsWith('$')) {
    const build = operators[keys[0]]
    if (!build) throw unknownOperator(keys[0])
    return build(expr[keys[0]], compileExpression, keys[0])
  }
  return compileObject(expr)
}

function compileObject(expr: Record<string, unknown>): Evaluate {
  const fields = Object.keys(expr).map((key) => {
    if (key.startsWith('$')) throw unknownOperator(key)
    if (key.includes('.'))
      throw new QueryError(`Field names in an expression object may not contain ".": "${key}".`)
    return [key, compileExpression(expr[key])] as const
  })
  return (vars) => {
    const out: Record<string, unknown> = {}
    for (const [key, evaluate] of fields) {
      const value = evaluate(vars)
      if (value !== undefined) out[key] = value
    }
    return out
  }
}

function compileReference(expr: string): Evaluate {
  if (expr.startsWith('$$')) {
    const [name, ...path] = splitPath(expr.slice(2))
    if (name === 'REMOVE') return () => undefined
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new QueryError(`"${expr}" is not a valid variable.`)
    return (vars) => {
      if (!(name in vars)) throw new QueryError(`Use of undefined variable $$${name}.`)
      return fieldPath(vars[name], path)
    }
  }
  const path = splitPath(expr.slice(1))
  if (path.some((segment) => segment === '' || segment.startsWith('$'))) {
    throw new QueryError(`"${expr}" is not a valid field path.`)
  }
  return (vars) => fieldPath(vars.CURRENT, path)
}

// { $let: { vars: { total: ... }, in: ... } }
function compileLet(args: unknown, compile: Compile): Evaluate {
  if (!isPlainObject(args) || !isPlainObject(args.vars) || !('in' in args))
    throw new QueryError('$let needs { vars: { name: expression }, in: expression }.')
  const bindings = Object.entries(args.vars).map(([name, expr]) => [name, compile(expr)] as const)
  const body = compile(args.in)
  return (vars) => {
    const inner: Vars = { ...vars }
    for (const [name, evaluate] of bindings) inner[name] = evaluate(vars)
    return body(inner)
  }
}

function unknownOperator(op: string): QueryError {
  return new QueryError(
    `Unknown expression operator ${op}. Supported: ${[...Object.keys(operators)].sort().join(' ')}.`,
    'WEFT_DATA_BAD_OPERATOR',
  )
}
