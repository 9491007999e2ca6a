import type { StandardSchemaV1 } from '../schema/standard.js'
import { HttpError } from './errors.js'

/** Where a validated value came from; named in each listed issue. */
export type InputLocation = 'params' | 'query' | 'body' | 'headers'

export interface ValidationIssue {
  in: InputLocation
  path: string
  message: string
}

/**
 * Runs a Standard Schema and returns its output, or throws a 422 listing every issue.
 * Stays synchronous when the schema is, so routes without async schemas pay no tick.
 */
export function validateInput(
  schema: StandardSchemaV1,
  value: unknown,
  location: InputLocation,
): unknown | Promise<unknown> {
  const result = schema['~standard'].validate(value)
  if (result instanceof Promise) return result.then((settled) => unwrap(settled, location))
  return unwrap(result, location)
}

function unwrap(result: StandardSchemaV1.Result<unknown>, location: InputLocation): unknown {
  if (!result.issues) return result.value
  const errors = result.issues.map((issue) => ({
    in: location,
    path: issuePath(issue),
    message: issue.message,
  }))
  const summary = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')
  throw new HttpError(422, `Invalid ${location}: ${summary}`, { code: 'WEFT_VALIDATION', errors })
}

/** `items.0.title` for a nested issue; '' for the value itself. */
export function issuePath(issue: StandardSchemaV1.Issue): string {
  if (!issue.path) return ''
  return issue.path.map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.')
}
