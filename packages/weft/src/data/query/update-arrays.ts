// The array update operators: $push (with $each, $slice, $position, $sort), $addToSet,
// $pull, $pullAll and $pop. Each takes the current value and returns the new array.

import { UpdateError } from '../errors.js'
import type { SortSpec } from '../store.js'
import { compareValues, isPlainObject, valuesEqual } from './compare.js'
import { compileCondition, compileFilter, isOperatorObject } from './match.js'
import { compileSort } from './sort.js'

function currentArray(op: string, path: string, current: unknown): unknown[] {
  if (current === undefined) return []
  if (!Array.isArray(current)) {
    throw new UpdateError(
      `${op} needs an array at '${path}', found ${JSON.stringify(current)}. Set it to an array first.`,
    )
  }
  return current
}

function eachOf(arg: unknown): unknown[] {
  if (isPlainObject(arg) && '$each' in arg) {
    if (!Array.isArray(arg.$each)) throw new UpdateError('$each needs an array, e.g. { $each: [1, 2] }.')
    return arg.$each
  }
  return [arg]
}

export function push(path: string, current: unknown, arg: unknown): unknown[] {
  const result = [...currentArray('$push', path, current)]
  const values = eachOf(arg)
  const modifiers = isPlainObject(arg) && '$each' in arg ? arg : {}
  let position = result.length
  if (modifiers.$position !== undefined) {
    const wanted = integer('$position', modifiers.$position)
    position = wanted < 0 ? Math.max(0, result.length + wanted) : Math.min(wanted, result.length)
  }
  result.splice(position, 0, ...values)
  if (modifiers.$sort !== undefined) result.sort(pushSorter(modifiers.$sort))
  if (modifiers.$slice !== undefined) {
    const slice = integer('$slice', modifiers.$slice)
    return slice >= 0 ? result.slice(0, slice) : result.slice(Math.max(0, result.length + slice))
  }
  return result
}

function pushSorter(spec: unknown): (a: unknown, b: unknown) => number {
  if (spec === 1 || spec === -1) return (a, b) => compareValues(a, b) * spec
  if (isPlainObject(spec)) return compileSort(spec as SortSpec)
  throw new UpdateError('$sort in $push needs 1, -1 or a sort object, e.g. { score: -1 }.')
}

function integer(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new UpdateError(`${name} needs a whole number.`)
  return value
}

export function addToSet(path: string, current: unknown, arg: unknown): unknown[] {
  const result = [...currentArray('$addToSet', path, current)]
  for (const value of eachOf(arg)) if (!result.some((item) => valuesEqual(item, value))) result.push(value)
  return result
}

// `$pull: { tags: 'a' }` removes equal values; `{ $gte: 6 }` tests each value;
// `{ score: 8 }` (no operators) is a filter on the elements that are documents.
export function pull(path: string, current: unknown, arg: unknown): unknown[] | undefined {
  if (current === undefined) return undefined
  const result = currentArray('$pull', path, current)
  let test: (item: unknown) => boolean
  if (isOperatorObject(arg) || arg instanceof RegExp) test = compileCondition([], arg, false)
  else if (isPlainObject(arg)) {
    const filter = compileFilter(arg)
    test = (item) => isPlainObject(item) && filter(item)
  } else test = (item) => valuesEqual(item, arg)
  return result.filter((item) => !test(item))
}

export function pullAll(path: string, current: unknown, arg: unknown): unknown[] | undefined {
  if (current === undefined) return undefined
  if (!Array.isArray(arg))
    throw new UpdateError('$pullAll needs an array, e.g. { $pullAll: { tags: ["a"] } }.')
  return currentArray('$pullAll', path, current).filter(
    (item) => !arg.some((value) => valuesEqual(item, value)),
  )
}

export function pop(path: string, current: unknown, arg: unknown): unknown[] | undefined {
  if (arg !== 1 && arg !== -1) throw new UpdateError('$pop needs 1 (last element) or -1 (first element).')
  if (current === undefined) return undefined
  const result = currentArray('$pop', path, current)
  return arg === 1 ? result.slice(0, -1) : result.slice(1)
}
