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
import { checkFieldName, checkPath } from './paths.js'

export { isUntrusted, untrusted }

/** Deepest nesting of a filter or update ($and/$or/$not/$elemMatch levels and nested values). */
export const MAX_FILTER_DEPTH = 100
/** Most items in one operator list ($in, $nin, $all, $and, $or, $nor, $pullAll, $each). */
export const MAX_OPERATOR_LIST = 10_000

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

/**
 * Throws unless `filter` is a well-formed filter that is safe under the injection rule
 * and within the size limits (MAX_FILTER_DEPTH, MAX_OPERATOR_LIST).
 */
export function validateFilter(filter: Filter, options: FilterCheckOptions = {}): void {
  // Compiling checks the operands of operators ($regex, $size, ...); a filter of plain
  // equalities and comparisons has none to check, and skipping the compile saves such a
  // find most of its check.
  if (checkFilter(filter, options.allowOperators === true, 0)) compileFilter(filter)
}

/** Operators whose operand may be any value: compiling them checks nothing more. */
const ANY_OPERAND = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$exists'])

/** True when the filter holds an operator whose use the compile must check. */
function checkFilter(filter: Filter, allow: boolean, depth: number): boolean {
  if (!isPlainObject(filter)) throw new QueryError('A filter must be an object, e.g. { done: false }.')
  checkDepth(depth)
  let compile = false
  for (const key of Object.keys(filter)) {
    const value = filter[key]
    if (!key.startsWith('$')) {
      if (checkCondition(key, value, allow, depth + 1)) compile = true
      continue
    }
    compile = true
    if (!queryOperators.has(key) || !['$and', '$or', '$nor', '$comment'].includes(key)) {
      refuseOperator(key, 'at the top level of a filter')
    }
    if (!allow && isUntrusted(filter)) injection(`at ${key}`)
    if (Array.isArray(value)) {
      checkListLength(key, value)
      for (const part of value) checkFilter(part as Filter, allow, depth + 1)
    }
  }
  return compile
}

/** True when the condition holds an operator the compile must check (see ANY_OPERAND). */
function checkCondition(path: string, value: unknown, allow: boolean, depth: number): boolean {
  checkDepth(depth)
  checkPath(path)
  if (!isOperatorObject(value)) {
    checkPlainValue(path, value, allow, depth)
    return false
  }
  if (!allow && isUntrusted(value)) injection(`at "${path}"`)
  let compile = false
  for (const op of Object.keys(value)) {
    if (!queryOperators.has(op)) refuseOperator(op, `in the condition on "${path}"`)
    checkOperand(path, op, value[op], allow, depth + 1)
    if (!ANY_OPERAND.has(op)) compile = true
  }
  return compile
}

function checkOperand(path: string, op: string, operand: unknown, allow: boolean, depth: number): void {
  if (op === '$not' || op === '$elemMatch') {
    if (isOperatorObject(operand)) checkCondition(path, operand, allow, depth)
    else if (op === '$elemMatch' && isPlainObject(operand)) checkFilter(operand, allow, depth)
  } else if (op === '$in' || op === '$nin' || op === '$all') {
    if (!Array.isArray(operand)) return
    checkListLength(op, operand)
    for (const item of operand) checkListItem(path, op, item, allow, depth)
  } else checkPlainValue(`${path}.${op}`, operand, allow, depth)
}

function checkListItem(path: string, op: string, item: unknown, allow: boolean, depth: number): void {
  if (op === '$all' && isPlainObject(item) && '$elemMatch' in item)
    checkOperand(path, '$elemMatch', item.$elemMatch, allow, depth + 1)
  else checkPlainValue(`${path}.${op}`, item, allow, depth)
}

/** A value position: no object with a `$` key anywhere inside, unless allowed. */
function checkPlainValue(where: string, value: unknown, allow: boolean, depth: number): void {
  if (typeof value !== 'object' || value === null) return
  // Walked even when operators are allowed: the depth limit holds for every filter.
  if (containsDollarKey(value, MAX_FILTER_DEPTH - depth) && !allow) injection(`in the value at "${where}"`)
}

/**
 * Whether a `$` key sits anywhere inside `value`. Walks with its own stack, so a value
 * nested 10,000 deep (from `ctx.req.json()`, say) cannot overflow the call stack; past
 * `maxDepth` levels it throws WEFT_DATA_QUERY_TOO_LARGE, and at a `__proto__` key
 * WEFT_DATA_BAD_FIELD (every value that may be stored passes here).
 */
export function containsDollarKey(value: unknown, maxDepth = MAX_FILTER_DEPTH): boolean {
  // Only containers are queued: a document's scalars, most of its values, cost no entry.
  const pending: [object, number][] = []
  const queue = (item: unknown, depth: number) => {
    if (typeof item === 'object' && item !== null) pending.push([item, depth])
  }
  queue(value, 0)
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!
    if (depth > maxDepth) throw tooLarge(`nests deeper than ${MAX_FILTER_DEPTH} levels`)
    if (Array.isArray(item)) {
      for (const member of item) queue(member, depth + 1)
    } else if (isPlainObject(item)) {
      for (const key of Object.keys(item)) {
        if (key.startsWith('$')) return true
        checkFieldName(key)
        queue(item[key], depth + 1)
      }
    }
  }
  return false
}

function checkDepth(depth: number): void {
  if (depth > MAX_FILTER_DEPTH) throw tooLarge(`nests deeper than ${MAX_FILTER_DEPTH} levels`)
}

function checkListLength(op: string, list: unknown[]): void {
  if (list.length > MAX_OPERATOR_LIST)
    throw tooLarge(`has ${list.length} items in ${op}, more than the ${MAX_OPERATOR_LIST} allowed`)
}

function tooLarge(what: string): QueryError {
  return new QueryError(
    `The filter or update ${what}. Split the query, or look the values up another way.`,
    'WEFT_DATA_QUERY_TOO_LARGE',
  )
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
    for (const path of Object.keys(fields)) {
      checkPath(path)
      const value = fields[path]
      const list = isPlainObject(value) && Array.isArray(value.$each) ? value.$each : value
      if (Array.isArray(list)) checkListLength(op, list)
    }
    for (const path of Object.keys(fields))
      checkWrittenValue(op, path, fields[path], options.allowOperators === true)
  }
}

function checkWrittenValue(op: string, path: string, value: unknown, allow: boolean): void {
  if (op === '$pull') {
    if (isOperatorObject(value)) checkCondition(path, value, allow, 1)
    else if (isPlainObject(value)) checkFilter(value, allow, 1)
    return
  }
  const written =
    (op === '$push' || op === '$addToSet') && isPlainObject(value) && '$each' in value ? value.$each : value
  if (op === '$rename' && typeof value === 'string') checkPath(value)
  if (op === '$currentDate' || op === '$rename') return
  if (containsDollarKey(written)) {
    throw new QueryError(
      `${op} on "${path}" would write a field name starting with "$". Field names may not start with "$"; ` +
        'rename the field (this also blocks operator injection through updates).',
      'WEFT_DATA_OPERATOR_INJECTION',
    )
  }
}
