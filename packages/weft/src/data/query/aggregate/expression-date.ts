// Date parts and formatting, in UTC (MongoDB's default timezone). Null or missing in,
// null out; a value that is not a Date is an error.

import { QueryError } from '../../errors.js'
import { isPlainObject } from '../compare.js'
import {
  argumentList,
  type Compile,
  type Evaluate,
  isNullish,
  type OperatorBuilder,
} from './expression-args.js'

function dateOf(op: string, value: unknown): Date {
  if (!(value instanceof Date))
    throw new QueryError(`${op} needs a date, got ${JSON.stringify(value) ?? 'missing'}.`)
  return value
}

// Accepts `'$at'` or `{ date: '$at' }` (timezones other than UTC are not supported).
function part(read: (date: Date) => number): OperatorBuilder {
  return (args, compile, op) => {
    if (isPlainObject(args) && 'timezone' in args)
      throw new QueryError(`${op}: only UTC dates are supported.`)
    const [arg] = argumentList(op, isPlainObject(args) && 'date' in args ? args.date : args, compile, 1)
    return (vars) => {
      const value = arg(vars)
      return isNullish(value) ? null : read(dateOf(op, value))
    }
  }
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0')

const formatters: Record<string, (date: Date) => string> = {
  Y: (date) => pad(date.getUTCFullYear(), 4),
  m: (date) => pad(date.getUTCMonth() + 1),
  d: (date) => pad(date.getUTCDate()),
  H: (date) => pad(date.getUTCHours()),
  M: (date) => pad(date.getUTCMinutes()),
  S: (date) => pad(date.getUTCSeconds()),
  L: (date) => pad(date.getUTCMilliseconds(), 3),
  j: (date) => pad(dayOfYear(date), 3),
  u: (date) => String(date.getUTCDay() === 0 ? 7 : date.getUTCDay()),
  '%': () => '%',
}

// { $dateToString: { date, format: '%Y-%m-%d', onNull } }
function dateToString(args: unknown, compile: Compile, op: string): Evaluate {
  if (!isPlainObject(args) || !('date' in args)) throw new QueryError(`${op} needs { date, format? }.`)
  if ('timezone' in args) throw new QueryError(`${op}: only UTC dates are supported.`)
  const format = args.format ?? '%Y-%m-%dT%H:%M:%S.%LZ'
  if (typeof format !== 'string') throw new QueryError(`${op} format must be a string.`)
  for (const [, code] of format.matchAll(/%(.)/g)) {
    if (!(code in formatters)) throw new QueryError(`${op} format code %${code} is not supported.`)
  }
  const date = compile(args.date)
  const onNull = 'onNull' in args ? compile(args.onNull) : () => null
  return (vars) => {
    const value = date(vars)
    if (isNullish(value)) return onNull(vars)
    const at = dateOf(op, value)
    return format.replace(/%(.)/g, (_, code: string) => formatters[code](at))
  }
}

function dayOfYear(date: Date): number {
  const start = Date.UTC(date.getUTCFullYear(), 0, 1)
  return Math.floor((date.getTime() - start) / 86_400_000) + 1
}

export const dateOperators: Record<string, OperatorBuilder> = {
  $year: part((date) => date.getUTCFullYear()),
  $month: part((date) => date.getUTCMonth() + 1),
  $dayOfMonth: part((date) => date.getUTCDate()),
  $dayOfWeek: part((date) => date.getUTCDay() + 1),
  $dayOfYear: part(dayOfYear),
  $hour: part((date) => date.getUTCHours()),
  $minute: part((date) => date.getUTCMinutes()),
  $second: part((date) => date.getUTCSeconds()),
  $millisecond: part((date) => date.getUTCMilliseconds()),
  $dateToString: dateToString,
  $toDate: (args, compile, op) => {
    const [arg] = argumentList(op, args, compile, 1)
    return (vars) => {
      const value = arg(vars)
      if (isNullish(value)) return null
      if (value instanceof Date) return value
      const date =
        typeof value === 'number' || typeof value === 'string' ? new Date(value) : new Date(Number.NaN)
      if (Number.isNaN(date.getTime()))
        throw new QueryError(`${op} cannot convert ${JSON.stringify(value)} to a date.`)
      return date
    }
  },
}
