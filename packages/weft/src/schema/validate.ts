import type { StandardSchemaV1 } from './standard.js'

/** One problem a schema found: where (`items.0.title`, '' for the value itself) and what. */
export interface SchemaIssue {
  path: string
  message: string
}

/** A schema's verdict: the output value, or every issue it found. */
export type SchemaResult = { value: unknown; issues?: undefined } | { issues: SchemaIssue[] }

/**
 * Runs a Standard Schema. Stays synchronous when the schema is, so routes without async
 * schemas pay no tick. What a failure answers is the caller's business (http/ makes a 422).
 */
export function runSchema(schema: StandardSchemaV1, value: unknown): SchemaResult | Promise<SchemaResult> {
  const result = schema['~standard'].validate(value)
  return result instanceof Promise ? result.then(toResult) : toResult(result)
}

function toResult(result: StandardSchemaV1.Result<unknown>): SchemaResult {
  if (!result.issues) return { value: result.value }
  return { issues: result.issues.map((issue) => ({ path: issuePath(issue), message: issue.message })) }
}

/** `items.0.title` for a nested issue; '' for the value itself. */
export function issuePath(issue: StandardSchemaV1.Issue): string {
  if (!issue.path) return ''
  return issue.path.map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.')
}

/** The issues in one line: `name: Required; age: Too small`. */
export function summarise(issues: readonly SchemaIssue[]): string {
  return issues.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')
}
