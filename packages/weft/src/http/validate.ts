import type { StandardSchemaV1 } from '../schema/standard.js'
import { runSchema, type SchemaResult, summarise } from '../schema/validate.js'
import { HttpError } from './errors.js'

/** Where a validated value came from; named in each listed issue. */
export type InputLocation = 'params' | 'query' | 'body' | 'headers'

export interface ValidationIssue {
  in: InputLocation
  path: string
  message: string
}

/** Runs a route's input schema and returns its output, or throws a 422 listing every issue. */
export function validateInput(
  schema: StandardSchemaV1,
  value: unknown,
  location: InputLocation,
): unknown | Promise<unknown> {
  const result = runSchema(schema, value)
  return result instanceof Promise
    ? result.then((settled) => unwrap(settled, location))
    : unwrap(result, location)
}

function unwrap(result: SchemaResult, location: InputLocation): unknown {
  if (!result.issues) return result.value
  const errors: ValidationIssue[] = result.issues.map((issue) => ({ in: location, ...issue }))
  throw new HttpError(422, `Invalid ${location}: ${summarise(result.issues)}`, {
    code: 'WEFT_VALIDATION',
    errors,
  })
}
