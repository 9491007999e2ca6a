import { isStandardSchema, type StandardSchemaV1 } from '../schema/standard.js'
import { isUntrusted, untrusted } from '../schema/untrusted.js'
import { type InputLocation, issuePath, validateInput } from '../schema/validate.js'
import { compose, type Middleware, type Next } from './compose.js'
import type { Context } from './context.js'
import { HttpError } from './errors.js'
import { setResult } from './response.js'
import type { BodyKind, RouteOptions } from './types.js'

/** A handler or middleware as the app stores it, before types are erased. */
export type AnyHandler = Middleware<Context<any>>

/** A route ready to serve: its whole chain in one function, sync when nothing awaits. */
export interface CompiledRoute {
  run(ctx: Context<any>): void | Promise<void>
  bodyLimit: number
}

/** How a route reports a handler's error: turns it into the error response in place. */
export type ErrorResponder = (ctx: Context<any>, error: unknown) => void | Promise<void>

/** A body schema takes JSON; a route asks for forms with `accepts: ['form']` (or both). */
const DEFAULT_ACCEPTS: readonly BodyKind[] = ['json']
const resolvedNext: Next = () => Promise.resolve()

/**
 * Compiles a route: the middleware onion around a terminal step that validates, calls the
 * handler and stores its result. A handler's error becomes the error response right
 * there, so middleware after `await next()` sees a response (and the error in `ctx.error`).
 */
export function compileRoute(
  middleware: AnyHandler[],
  handler: AnyHandler,
  options: RouteOptions,
  bodyLimit: number,
  onError: ErrorResponder,
  checkResponses: boolean,
): CompiledRoute {
  const validate = compileValidation(options)
  const checkResponse = checkResponses && options.response ? compileResponseCheck(options.response) : null
  const terminal = (ctx: Context<any>): void | Promise<void> => {
    try {
      if (validate)
        return validate(ctx)
          .then(() => callHandler(ctx))
          .catch((error) => onError(ctx, error))
      return callHandler(ctx)
    } catch (error) {
      return onError(ctx, error)
    }
  }
  const store = (ctx: Context<any>, value: unknown): void | Promise<void> => {
    if (!checkResponse) return setResult(ctx.res, value)
    const checked = checkResponse(ctx, value)
    if (checked) return checked.then(() => setResult(ctx.res, value))
    setResult(ctx.res, value)
  }
  const callHandler = (ctx: Context<any>): void | Promise<void> => {
    const result = handler(ctx, resolvedNext)
    if (result instanceof Promise) {
      return result.then((value) => store(ctx, value)).catch((error) => onError(ctx, error))
    }
    return store(ctx, result)
  }
  if (middleware.length === 0) return { run: terminal, bodyLimit }
  const chain = compose(middleware)
  return { run: (ctx) => chain(ctx, terminal), bodyLimit }
}

/**
 * Checks what a handler answers against the route's `response` schemas (one schema is
 * the 200 answer; a map is by status). A mismatch is a bug in the handler: 500, loudly.
 */
function compileResponseCheck(
  response: NonNullable<RouteOptions['response']>,
): (ctx: Context<any>, value: unknown) => void | Promise<void> {
  const byStatus: Record<number, StandardSchemaV1> = isStandardSchema(response) ? { 200: response } : response
  return (ctx, value) => {
    const status = ctx.res.status || 200
    const schema = byStatus[status]
    if (!schema || value instanceof Response) return
    const data = value === ctx.res ? ctx.res.data : value
    const result = schema['~standard'].validate(data)
    if (result instanceof Promise) return result.then((settled) => assertResponse(settled, status))
    assertResponse(result, status)
  }
}

function assertResponse(result: StandardSchemaV1.Result<unknown>, status: number): void {
  if (!result.issues) return
  const errors = result.issues.map((issue) => ({ path: issuePath(issue), message: issue.message }))
  const summary = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')
  throw new HttpError(500, `The handler's ${status} answer does not match its response schema: ${summary}`, {
    code: 'WEFT_RESPONSE_VALIDATION',
    errors,
  })
}

/** The route's schemas as one async step, or null when it has none. */
function compileValidation(options: RouteOptions): ((ctx: Context<any>) => Promise<void>) | null {
  const { params, query, headers, body } = options
  if (!params && !query && !headers && !body) return null
  const accepts = options.accepts ?? DEFAULT_ACCEPTS
  return async (ctx) => {
    if (params) ctx.params = await validateInput(params, ctx.params, 'params')
    if (query) ctx.query = await validateMarked(query, ctx.query, 'query')
    if (headers) ctx.headers = await validateMarked(headers, ctx.headers, 'headers')
    if (body) ctx.body = await validateMarked(body, await ctx.parseBody(accepts), 'body')
  }
}

/**
 * A schema's output is a new object: when the input was marked untrusted (it held a "$"
 * key), so is the output, or a schema that lets objects through would launder them.
 */
async function validateMarked(schema: StandardSchemaV1, value: unknown, location: InputLocation) {
  const output = await validateInput(schema, value, location)
  return isUntrusted(value) ? untrusted(output) : output
}
