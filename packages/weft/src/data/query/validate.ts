// Checks a filter or update before it reaches any store: unknown and server-side-code
// operators are refused (WEFT_DATA_BAD_OPERATOR), and operator injection is refused
// (WEFT_DATA_OPERATOR_INJECTION) unless the caller passes `allowOperators: true`.
//
// The injection rule: operators count only where a developer writes them in code —
// top-level $and/$or/$nor and the object directly under a field name. Every place that
// holds a plain value (the operand of $eq/$ne/$gt/..., the elements of $in/$nin/$all,
// anything inside an equality document or a written value) must not contain an object
// with a `$` key. And input marked with `untrusted()` may never supply operators at all:
// `find({ password: untrusted(body).password })` cannot become `{ $ne: null }`.

import { isUntrusted, untrusted } from '../../shared/untrusted.js'
import { QueryError } from '../errors.js'
import type { Filter, UpdateSpec } from '../store.js'
import { isPlainObject } from './compare.js'
import { compileFilter, isOperatorObject } from './match.js'
import { queryOperators, refuseOperator, updateOperators } from './operators.js'

export { untrusted }

export interface FilterCheckOptions {
  /** Accept operator objects in value positions and from untrusted input. Off by default. */
  allowOperators?: boolean
}

function injection(where: string): never {
  throw new QueryError(
    `Operator object refused ${where}: a value that came from input contains a "$" key ` +
      '(operator injection, e.g. { "$ne": null } where a string was expected). Validate the input ' +
      'with a schema, or pass { allowOperators: true } if this operator is meant.',
    'WEFT_DATA_OPERATOR_INJECTION',
  )
}

/** Throws unless `filter` is a well-formed filter that is safe under the injection rule. */
export function validateFilter(filter: Filter, options: FilterCheckOptions = {}): void {
  // Compiling checks the operands of operators ($regex, $size, ...); a filter of plain
  // equalities has none, and skipping the compile saves every such find a third of its check.
  if (checkFilter(filter, options.allowOperators === true)) compileFilter(filter)
}

/** True when the filter holds an operator anywhere (at the top or in a condition). */
function checkFilter(filter: Filter, allow: boolean): boolean {
  if (!isPlainObject(filter)) throw new QueryError('A filter must be an object, e.g. { done: false }.')
  let operators = false
  for (const key of Object.keys(filter)) {
    const value = filter[key]
    if (!key.startsWith('$')) {
      if (checkCondition(key, value, allow)) operators = true
      continue
    }
    operators = true
    if (!queryOperators.has(key) || !['$and', '$or', '$nor', '$comment'].includes(key)) {
      refuseOperator(key, 'at the top level of a filter')
    }
    if (!allow && isUntrusted(filter)) injection(`at ${key}`)
    if (Array.isArray(value)) for (const part of value) checkFilter(part as Filter, allow)
  }
  return operators
}

/** True when the condition is an operator object. */
function checkCondition(path: string, value: unknown, allow: boolean): boolean {
  if (!isOperatorObject(value)) {
    checkPlainValue(path, value, allow)
    return false
  }
  if (!allow && isUntrusted(value)) injection(`at "${path}"`)
  for (const op of Object.keys(value)) {
    if (!queryOperators.has(op)) refuseOperator(op, `in the condition on "${path}"`)
    checkOperand(path, op, value[op], allow)
  }
  return true
}

function checkOperand(path: string, op: string, operand: unknown, allow: boolean): void {
  if (op === '$not' || op === '$elemMatch') {
    if (isOperatorObject(operand)) checkCondition(path, operand, allow)
    else if (op === '$elemMatch' && isPlainObject(operand)) checkFilter(operand, allow)
  } else if (op === '$in' || op === '$nin' || op === '$all') {
    if (Array.isArray(operand)) for (const item of operand) checkListItem(path, op, item, allow)
  } else checkPlainValue(`${path}.${op}`, operand, allow)
}

function checkListItem(path: string, op: string, item: unknown, allow: boolean): void {
  if (op === '$all' && isPlainObject(item) && '$elemMatch' in item)
    checkOperand(path, '$elemMatch', item.$elemMatch, allow)
  else checkPlainValue(`${path}.${op}`, item, allow)
}

/** A value position: no object with a `$` key anywhere inside, unless allowed. */
function checkPlainValue(where: string, value: unknown, allow: boolean): void {
  if (allow || !containsDollarKey(value)) return
  injection(`in the value at "${where}"`)
}

export function containsDollarKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsDollarKey)
  if (!isPlainObject(value)) return false
  return Object.keys(value).some((key) => key.startsWith('$') || containsDollarKey(value[key]))
}

/** Throws unless `update` uses only known update operators and writes no `$` field names. */
export function validateUpdate(update: UpdateSpec, options: FilterCheckOptions = {}): void {
  if (!isPlainObject(update))
    throw new QueryError('An update must be an object, e.g. { $set: { done: true } }.')
  for (const op of Object.keys(update)) {
    if (!op.startsWith('$')) continue
    if (!updateOperators.has(op)) refuseOperator(op, 'in an update')
    const fields = update[op]
    if (!isPlainObject(fields)) continue
    for (const path of Object.keys(fields))
      checkWrittenValue(op, path, fields[path], options.allowOperators === true)
  }
}

function checkWrittenValue(op: string, path: string, value: unknown, allow: boolean): void {
  if (op === '$pull') {
    if (isOperatorObject(value)) checkCondition(path, value, allow)
    else if (isPlainObject(value)) checkFilter(value, allow)
    return
  }
  const written =
    (op === '$push' || op === '$addToSet') && isPlainObject(value) && '$each' in value ? value.$each : value
  if (op === '$currentDate' || op === '$rename') return
  if (containsDollarKey(written)) {
    throw new QueryError(
      `${op} on "${path}" would write a field name starting with "$". Field names may not start with "$"; ` +
        'rename the field (this also blocks operator injection through updates).',
      'WEFT_DATA_OPERATOR_INJECTION',
    )
  }
}
