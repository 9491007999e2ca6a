// `$type` names and numbers as MongoDB defines them, mapped onto JS values. A JS number
// that is a whole number in int32 range counts as "int" (the official driver stores it so),
// any other number as "double"; "number" matches both.

import { QueryError } from '../errors.js'
import { isObjectIdLike, isPlainObject } from './compare.js'

const aliases: Record<string, string> = {
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  16: 'int',
  18: 'long',
  19: 'decimal',
}

const tests: Record<string, (value: unknown) => boolean> = {
  double: (value) => typeof value === 'number' && !isInt32(value),
  string: (value) => typeof value === 'string',
  object: (value) => isPlainObject(value),
  array: (value) => Array.isArray(value),
  binData: (value) => value instanceof Uint8Array,
  objectId: (value) => isObjectIdLike(value),
  bool: (value) => typeof value === 'boolean',
  date: (value) => value instanceof Date,
  null: (value) => value === null,
  regex: (value) => value instanceof RegExp,
  int: (value) => typeof value === 'number' && isInt32(value),
  long: (value) => typeof value === 'bigint',
  decimal: () => false,
  number: (value) => typeof value === 'number' || typeof value === 'bigint',
}

function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647
}

/** Does `value` have BSON type `type` (a name like "string" or a number like 2)? */
export function typeMatches(value: unknown, type: unknown): boolean {
  const name = typeof type === 'number' ? aliases[type] : type
  const test = typeof name === 'string' ? tests[name] : undefined
  if (!test) {
    throw new QueryError(
      `$type ${JSON.stringify(type)} is not a known type; use e.g. "string", "number", "array".`,
    )
  }
  return test(value)
}
