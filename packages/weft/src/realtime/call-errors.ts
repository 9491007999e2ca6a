// What a failed subscription or method call answers: a problem-shaped error frame. An
// HttpError thrown by app code keeps its status, code and message (4xx are exposed); any
// other error answers as HTTP would (data errors keep their 4xx or 503), its message
// shown only where HTTP shows it, never a stack.
import { HttpError, toProblem } from '../http/errors.js'
import type { StandardSchemaV1 } from '../schema/standard.js'
import { runSchema, type SchemaIssue } from '../schema/validate.js'
import { type ErrorFrame, errorFrame } from '../shared/realtime-protocol.js'
import { isUntrusted, untrusted } from '../shared/untrusted.js'

/** An error thrown while running a call, as the frame the client gets. */
export function callError(error: unknown, dev: boolean | undefined, id: string): ErrorFrame {
  if (error instanceof HttpError) {
    const detail = error.expose || dev ? error.message : undefined
    const frame = errorFrame(error.status, error.code, detail, { id })
    const issues = (error.extras as { issues?: unknown }).issues
    if (Array.isArray(issues)) frame.issues = issues as SchemaIssue[]
    return frame
  }
  // Data and DI errors keep the status and code HTTP gives them (a refused operator is a
  // 400, an unreachable database a 503); anything else is a 500 with no detail.
  const problem = toProblem(error, Boolean(dev))
  const code = problem.status >= 500 && problem.status !== 503 ? 'WEFT_INTERNAL' : String(problem.code)
  return errorFrame(problem.status, code, problem.detail, { id })
}

/** Validates a call's arguments; invalid ones throw a 422 HttpError listing the issues. */
export async function validateArgs(
  schema: StandardSchemaV1 | undefined,
  value: unknown,
  what: string,
): Promise<unknown> {
  if (!schema) return value
  const result = await runSchema(schema, value)
  // A schema cannot launder input: marked arguments stay marked (see shared/untrusted.ts).
  if (!result.issues) return isUntrusted(value) ? untrusted(result.value) : result.value
  throw new HttpError(422, `The arguments of "${what}" are not valid`, {
    code: 'WEFT_INVALID_ARGS',
    issues: result.issues,
  })
}
