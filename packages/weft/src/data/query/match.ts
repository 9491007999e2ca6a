// Compiles a MongoDB filter into a predicate with MongoDB's exact matching rules:
// a condition on a path holds when any value the path reaches satisfies it (arrays
// match by element, and as a whole), negations ($ne, $nin, $not, $exists: false) are
// the negation of the whole path, and `null` matches a missing field.

import { QueryError } from '../errors.js'
import type { Filter } from '../store.js'
import { compareValues, isPlainObject, typeRank, valuesEqual } from './compare.js'
import { refuseOperator } from './operators.js'
import { someAtPath, splitPath } from './paths.js'
import { linearPattern, type TextPattern } from './regex.js'
import { typeMatches } from './types.js'

export type Predicate = (doc: unknown) => boolean
type ValueTest = (value: unknown) => boolean

/** `compileFilter({ age: { $gte: 18 } })(doc)` -> true when `doc` matches. */
export function compileFilter(filter: Filter): Predicate {
  if (!isPlainObject(filter)) throw new QueryError('A filter must be an object, e.g. { done: false }.')
  const clauses = Object.keys(filter).map((key) => compileClause(key, filter[key]))
  return allOf(clauses)
}

function compileClause(key: string, value: unknown): Predicate {
  if (!key.startsWith('$')) return compileCondition(splitPath(key), value)
  switch (key) {
    case '$and':
      return allOf(subFilters(key, value))
    case '$or':
      return anyOf(subFilters(key, value))
    case '$nor':
      return not(anyOf(subFilters(key, value)))
    case '$comment':
      return () => true
    default:
      return refuseOperator(key, 'at the top level of a filter')
  }
}

function subFilters(operator: string, value: unknown): Predicate[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new QueryError(
      `${operator} needs a non-empty array of filters, e.g. { ${operator}: [{ a: 1 }, { b: 2 }] }.`,
    )
  }
  return value.map((item) => compileFilter(item as Filter))
}

/** True for `{ $gt: 1 }`-style objects: a non-empty object whose keys all start with `$`. */
export function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false
  const keys = Object.keys(value)
  if (keys.length === 0 || !keys[0].startsWith('$')) return false
  if (keys.some((key) => !key.startsWith('$'))) {
    throw new QueryError(
      `Cannot mix operators and field names in one condition: ${keys.join(', ')}. ` +
        'Use only operators ({ $gt: 1 }) or only fields ({ a: 1 }).',
    )
  }
  return true
}

/** A condition on one path: an operator object, a regular expression, or a value to equal. */
export function compileCondition(path: string[], condition: unknown, expand = true): Predicate {
  if (isOperatorObject(condition)) return compileOperators(path, condition, expand)
  if (condition instanceof RegExp) return anyValue(path, regexTest(condition), expand)
  return anyValue(path, equalsTest(condition), expand)
}

function compileOperators(path: string[], ops: Record<string, unknown>, expand: boolean): Predicate {
  const parts = Object.keys(ops)
    .filter((op) => op !== '$options')
    .map((op) => compileOperator(path, op, ops[op], ops, expand))
  if ('$options' in ops && !('$regex' in ops)) throw new QueryError('$options needs $regex beside it.')
  return allOf(parts)
}

function compileOperator(
  path: string[],
  op: string,
  arg: unknown,
  ops: Record<string, unknown>,
  expand: boolean,
): Predicate {
  switch (op) {
    case '$eq':
      return anyValue(path, equalsTest(arg), expand)
    case '$ne':
      return not(anyValue(path, equalsTest(arg), expand))
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return anyValue(path, rangeTest(op, arg), expand)
    case '$in':
      return anyValue(path, inTest(op, arg), expand)
    case '$nin':
      return not(anyValue(path, inTest(op, arg), expand))
    case '$exists': {
      const exists = anyValue(path, (value) => value !== undefined, false)
      return arg ? exists : not(exists)
    }
    case '$type':
      return anyValue(path, typeTest(arg), expand)
    case '$regex':
      return anyValue(path, regexTest(toRegex(arg, ops.$options)), expand)
    case '$not':
      return not(compileNot(path, arg, expand))
    case '$all':
      return compileAll(path, arg, expand)
    case '$elemMatch':
      return anyValue(path, elemMatchTest(arg), false)
    case '$size':
      return anyValue(path, sizeTest(arg), false)
    case '$mod':
      return anyValue(path, modTest(arg), expand)
    default:
      return refuseOperator(op, 'in a field condition')
  }
}

// Applies `test` to each value the path reaches; arrays reached at the end are tried
// whole and then element by element (one level), unless `expand` is off ($size, $elemMatch).
function anyValue(path: string[], test: ValueTest, expand: boolean): Predicate {
  const visit = expand ? (value: unknown) => test(value) || (Array.isArray(value) && value.some(test)) : test
  return (doc) => someAtPath(doc, path, visit)
}

function equalsTest(expected: unknown): ValueTest {
  return (value) => valuesEqual(value, expected)
}

// Range operators only compare values of the same type bracket: { $gt: 1 } never
// matches a string. NaN matches only itself, and only for the inclusive operators.
function rangeTest(op: string, bound: unknown): ValueTest {
  const rank = typeRank(bound)
  const inclusive = op === '$gte' || op === '$lte'
  const wantsAbove = op === '$gt' || op === '$gte'
  return (value) => {
    if (typeRank(value) !== rank) return false
    if (Number.isNaN(value) || Number.isNaN(bound))
      return inclusive && Number.isNaN(value) && Number.isNaN(bound)
    const order = compareValues(value, bound)
    if (order === 0) return inclusive
    return wantsAbove ? order > 0 : order < 0
  }
}

function inTest(op: string, list: unknown): ValueTest {
  if (!Array.isArray(list)) throw new QueryError(`${op} needs an array, e.g. { ${op}: ['a', 'b'] }.`)
  // Strings, numbers and booleans equal only their own kind: one Set lookup answers for
  // them, so a long list costs a document no more than a short one.
  const scalars = new Set<unknown>()
  const tests: ValueTest[] = []
  for (const item of list) {
    if (isScalar(item)) scalars.add(item)
    else tests.push(item instanceof RegExp ? regexTest(item) : equalsTest(item))
  }
  const rest = (value: unknown) => tests.some((test) => test(value))
  if (scalars.size === 0) return rest
  const scalarTests = [...scalars].map(equalsTest)
  return (value) =>
    isScalar(value)
      ? scalars.has(value) || rest(value)
      : scalarTests.some((test) => test(value)) || rest(value)
}

function isScalar(value: unknown): value is string | number | boolean {
  const type = typeof value
  return type === 'string' || type === 'boolean' || (type === 'number' && !Number.isNaN(value))
}

function typeTest(arg: unknown): ValueTest {
  const wanted = Array.isArray(arg) ? arg : [arg]
  for (const type of wanted) typeMatches(undefined, type) // throws on an unknown type name
  return (value) => value !== undefined && wanted.some((type) => typeMatches(value, type))
}

function regexTest(regex: TextPattern): ValueTest {
  return (value) => {
    if (value instanceof RegExp) return value.source === regex.source && value.flags === regex.flags
    if (typeof value !== 'string') return false
    if (regex instanceof RegExp) regex.lastIndex = 0
    return regex.test(value)
  }
}

/** `$regex` + `$options` -> RegExp. MongoDB's `x` flag (ignore whitespace) is applied by hand. */
/**
 * The pattern of a `$regex`: a RegExp from code runs natively; a string (which may
 * come from a request) is bounded to linear time (see regex.ts).
 */
export function toRegex(pattern: unknown, options: unknown): TextPattern {
  if (options !== undefined && typeof options !== 'string')
    throw new QueryError('$options must be a string, e.g. "i".')
  const flags = typeof options === 'string' ? options : ''
  if (/[^imsux]/.test(flags))
    throw new QueryError(`$options "${flags}" is not supported; use i, m, s, u or x.`)
  let source: string
  let baseFlags = ''
  if (pattern instanceof RegExp) {
    source = pattern.source
    baseFlags = pattern.flags.replace(/[gy]/g, '')
  } else if (typeof pattern === 'string') source = pattern
  else throw new QueryError('$regex must be a string or a RegExp, e.g. { $regex: "^ab", $options: "i" }.')
  if (flags.includes('x')) source = source.replace(/(\\.)|\s+|#[^\n]*/g, (_, escaped) => escaped ?? '')
  const all = [...new Set([...baseFlags, ...flags.replace('x', '')])].sort().join('')
  if (typeof pattern === 'string') return linearPattern(source, all)
  try {
    return new RegExp(source, all)
  } catch (error) {
    throw new QueryError(`$regex "${source}" is not a valid regular expression: ${(error as Error).message}`)
  }
}

function compileNot(path: string[], arg: unknown, expand: boolean): Predicate {
  if (arg instanceof RegExp) return anyValue(path, regexTest(arg), expand)
  if (!isOperatorObject(arg)) {
    throw new QueryError('$not needs an operator object or a regular expression, e.g. { $not: { $gt: 5 } }.')
  }
  return compileOperators(path, arg, expand)
}

function compileAll(path: string[], arg: unknown, expand: boolean): Predicate {
  if (!Array.isArray(arg)) throw new QueryError('$all needs an array, e.g. { $all: ["a", "b"] }.')
  if (arg.length === 0) return () => false
  return allOf(
    arg.map((item) => {
      if (isPlainObject(item) && '$elemMatch' in item)
        return anyValue(path, elemMatchTest(item.$elemMatch), false)
      return compileCondition(path, item instanceof RegExp ? item : { $eq: item }, expand)
    }),
  )
}

// `{ $elemMatch: { $gt: 1 } }` tests each element as a value; `{ $elemMatch: { a: 1 } }`
// tests each element that is a document as a filter. Only arrays match.
function elemMatchTest(spec: unknown): ValueTest {
  if (!isPlainObject(spec))
    throw new QueryError('$elemMatch needs an object, e.g. { $elemMatch: { score: { $gt: 5 } } }.')
  const valueForm = isOperatorObject(spec) && !('$and' in spec || '$or' in spec || '$nor' in spec)
  const element = valueForm ? compileCondition([], spec, false) : compileFilter(spec)
  return (value) =>
    Array.isArray(value) && value.some((item) => (valueForm || isPlainObject(item)) && element(item))
}

function sizeTest(arg: unknown): ValueTest {
  if (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 0) {
    throw new QueryError('$size needs a non-negative whole number, e.g. { $size: 2 }.')
  }
  return (value) => Array.isArray(value) && value.length === arg
}

function modTest(arg: unknown): ValueTest {
  if (!Array.isArray(arg) || arg.length !== 2 || arg.some((n) => typeof n !== 'number') || arg[0] === 0) {
    throw new QueryError('$mod needs [divisor, remainder] with a non-zero divisor, e.g. { $mod: [4, 0] }.')
  }
  const [divisor, remainder] = arg.map((n) => Math.trunc(n as number))
  return (value) =>
    typeof value === 'number' && Number.isFinite(value) && Math.trunc(value) % divisor === remainder
}

function allOf(predicates: Predicate[]): Predicate {
  if (predicates.length === 1) return predicates[0]
  return (doc) => predicates.every((predicate) => predicate(doc))
}

function anyOf(predicates: Predicate[]): Predicate {
  return (doc) => predicates.some((predicate) => predicate(doc))
}

function not(predicate: Predicate): Predicate {
  return (doc) => !predicate(doc)
}
