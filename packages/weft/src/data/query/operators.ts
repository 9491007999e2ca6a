// Which operators weftjs/data understands, and the refusal for everything else. Server-side
// code ($where, $function, $accumulator) and expression operators ($expr) are refused on
// purpose: they run code or bypass the query model, and they do not exist in every store.

import { QueryError } from '../errors.js'

export const queryOperators = new Set([
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$and',
  '$or',
  '$nor',
  '$not',
  '$exists',
  '$type',
  '$regex',
  '$options',
  '$all',
  '$elemMatch',
  '$size',
  '$mod',
  '$comment',
])

export const updateOperators = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$currentDate',
  '$setOnInsert',
])

const serverCode = new Set(['$where', '$function', '$accumulator', '$expr', '$jsonSchema', '$eval'])

/** Throws `WEFT_DATA_BAD_OPERATOR` for `op`; typed as returning anything so callers can `return` it. */
export function refuseOperator(op: string, where: string): never {
  if (serverCode.has(op)) {
    throw new QueryError(
      `${op} is refused: weftjs/data never runs server-side code or expressions in queries. ` +
        'Write the condition with query operators ($eq, $gt, $in, $regex...) instead.',
      'WEFT_DATA_BAD_OPERATOR',
    )
  }
  throw new QueryError(
    `Unknown operator ${op} ${where}. Supported: ${[...queryOperators].join(' ')}.`,
    'WEFT_DATA_BAD_OPERATOR',
  )
}
