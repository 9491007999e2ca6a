// What a failed subscription or method call answers: a problem-shaped error frame. An
// HttpError thrown by app code keeps its status, code and message (4xx are exposed); any
// other error is a 500 whose message only development sees, never a stack.
import { HttpError } from '../http/errors.js'
import type { StandardSchemaV1 } from '../schema/standard.js'
import { runSchema, type SchemaIssue } from '../schema/validate.js'
import { type ErrorFrame, errorFrame } from '../shared/realtime-protocol.js'

/** An error thrown while running a call, as the frame the client gets. */
export function callError(error: unknown, dev: boolean | undefined, id: string): ErrorFrame {
  if (error instanceof HttpError) {
    const detail = error.expose || dev ? error.message : undefined
    const frame = errorFrame(error.status, error.code, detail, { id })
    const issues = (error.extras as { issues?: unknown }).issues
    if (Array.isArray(issues)) frame.issues = issues as SchemaIssue[]
    return frame
  }
  const detail = dev && error instanceof Error ? error.message : undefined
  return errorFrame(500, 'WEFT_INTERNAL', detail, { id })
}

/** Validates a call's arguments; invalid ones throw a 422 HttpError listing the issues. */
export async function validateArgs(
  schema: StandardSchemaV1 | undefined,
  value: unknown,
  what: string,
): Promise<unknown> {
  if (!schema) return value
  const result = await runSchema(schema, value)
  if (!result.issues) return result.value
  throw new HttpError(422, `The arguments of "${what}" are not valid`, {
    code: 'WEFT_INVALID_ARGS',
    issues: result.issues,
  })
}
