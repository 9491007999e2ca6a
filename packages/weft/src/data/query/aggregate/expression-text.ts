// String expressions. Code points, not UTF-16 units, for lengths and substrings (the
// `CP` in `$substrCP`); `$regexMatch` bounds its pattern exactly as `$regex` in filters.

import { QueryError } from '../../errors.js'
import { isPlainObject } from '../compare.js'
import { toRegex } from '../match.js'
import {
  argumentList,
  type Compile,
  type Evaluate,
  isNullish,
  type OperatorBuilder,
} from './expression-args.js'

function text(op: string, value: unknown): string {
  if (typeof value !== 'string')
    throw new QueryError(`${op} needs a string, got ${JSON.stringify(value) ?? 'missing'}.`)
  return value
}

function whole(op: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new QueryError(`${op} needs a whole number, got ${JSON.stringify(value) ?? 'missing'}.`)
  return value
}

// $toLower/$toUpper turn null and missing into "", as MongoDB does.
function caseOf(convert: (value: string) => string): OperatorBuilder {
  return (args, compile, op) => {
    const [arg] = argumentList(op, args, compile, 1)
    return (vars) => {
      const value = arg(vars)
      if (isNullish(value)) return ''
      if (typeof value === 'number') return convert(String(value))
      return convert(text(op, value))
    }
  }
}

function concat(args: unknown, compile: Compile, op: string): Evaluate {
  const items = argumentList(op, args, compile, 0, Number.POSITIVE_INFINITY)
  return (vars) => {
    let out = ''
    for (const item of items) {
      const value = item(vars)
      if (isNullish(value)) return null
      out += text(op, value)
    }
    return out
  }
}

function substr(args: unknown, compile: Compile, op: string): Evaluate {
  const [string, start, length] = argumentList(op, args, compile, 3)
  return (vars) => {
    const value = string(vars)
    const points = isNullish(value) ? [] : [...text(op, value)]
    const from = whole(op, start(vars))
    const count = whole(op, length(vars))
    if (from < 0) throw new QueryError(`${op} start must not be negative.`)
    return points.slice(from, count < 0 ? undefined : from + count).join('')
  }
}

function trim(args: unknown, compile: Compile, op: string): Evaluate {
  if (!isPlainObject(args) || !('input' in args)) throw new QueryError(`${op} needs { input, chars? }.`)
  const input = compile(args.input)
  const chars = 'chars' in args ? compile(args.chars) : undefined
  return (vars) => {
    const value = input(vars)
    if (isNullish(value)) return null
    const set = chars ? [...text(op, chars(vars))] : [' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u0000']
    const points = [...text(op, value)]
    let from = 0
    let to = points.length
    if (op !== '$rtrim') while (from < to && set.includes(points[from])) from++
    if (op !== '$ltrim') while (to > from && set.includes(points[to - 1])) to--
    return points.slice(from, to).join('')
  }
}

function regexMatch(args: unknown, compile: Compile, op: string): Evaluate {
  if (!isPlainObject(args) || !('input' in args) || !('regex' in args))
    throw new QueryError(`${op} needs { input, regex, options? }.`)
  const input = compile(args.input)
  // The pattern is fixed when the pipeline is built, so it is checked once, up front.
  if (typeof args.regex !== 'string' && !(args.regex instanceof RegExp))
    throw new QueryError(`${op} regex must be a string or a RegExp written in the pipeline.`)
  const pattern = toRegex(args.regex, args.options)
  return (vars) => {
    const value = input(vars)
    if (isNullish(value)) return false
    return pattern.test(text(op, value))
  }
}

export const textOperators: Record<string, OperatorBuilder> = {
  $concat: concat,
  $toLower: caseOf((value) => value.toLowerCase()),
  $toUpper: caseOf((value) => value.toUpperCase()),
  $substrCP: substr,
  $strLenCP: (args, compile, op) => {
    const [arg] = argumentList(op, args, compile, 1)
    return (vars) => [...text(op, arg(vars))].length
  },
  $split: (args, compile, op) => {
    const [string, separator] = argumentList(op, args, compile, 2)
    return (vars) => {
      const value = string(vars)
      if (isNullish(value)) return null
      const by = text(op, separator(vars))
      if (by === '') throw new QueryError(`${op} needs a non-empty separator.`)
      return text(op, value).split(by)
    }
  },
  $trim: trim,
  $ltrim: trim,
  $rtrim: trim,
  $regexMatch: regexMatch,
}
