import { isStandardSchema, type StandardSchemaV1 } from '../schema/standard.js'
import { runSchema, type SchemaResult, summarise } from '../schema/validate.js'
import { isUntrusted, untrusted } from '../shared/untrusted.js'
import { compose, type Middleware, type Next } from './compose.js'
import type { Context, ParseBodyOptions } from './context.js'
import { HttpError } from './errors.js'
import { setResult } from './response.js'
import type { BodyKind, RouteOptions } from './types.js'
import { validateInput } from './validate.js'

/** A handler or middleware as the app stores it, before types are erased. */
export type AnyHandler = Middleware<Context<any>>

/** A route ready to serve: its whole chain in one function, sync when nothing awaits. */
export interface CompiledRoute {
  /** Runs the chain and leaves the answer (or the error's) in `ctx.res`; never throws or rejects. */
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
  // Every step answers its own errors (onError), so a compiled route never rejects and the
  // app adds no promise of its own around it. Each await costs a promise and a microtask:
  // a synchronous route pays none, an async one as few as its own awaits need (a body
  // schema: the read, the parse, then validation and the handler in one step).
  const terminal = (ctx: Context<any>): void | Promise<void> => {
    try {
      return validate ? validate(ctx, callHandler, onError) : callHandler(ctx)
    } catch (error) {
      return onError(ctx, error)
    }
  }
  const store = (ctx: Context<any>, value: unknown): void | Promise<void> => {
    if (!checkResponse) return setResult(ctx.res, value)
    const checked = checkResponse(ctx, value)
    if (checked) return checked.then(() => setResult(ctx.res, value)).catch((error) => onError(ctx, error))
    setResult(ctx.res, value)
  }
  const storeSafely = (ctx: Context<any>, value: unknown): void | Promise<void> => {
    try {
      return store(ctx, value)
    } catch (error) {
      return onError(ctx, error)
    }
  }
  const callHandler = (ctx: Context<any>): void | Promise<void> => {
    const result = handler(ctx, resolvedNext)
    if (result instanceof Promise) {
      return result.then(
        (value) => storeSafely(ctx, value),
        (error) => onError(ctx, error),
      )
    }
    return store(ctx, result)
  }
  if (middleware.length === 0) return { run: terminal, bodyLimit }
  const chain = compose(middleware)
  return { run: (ctx) => chain(ctx, terminal).catch((error) => onError(ctx, error)), bodyLimit }
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
    const result = runSchema(schema, data)
    if (result instanceof Promise) return result.then((settled) => assertResponse(settled, status))
    assertResponse(result, status)
  }
}

function assertResponse(result: SchemaResult, status: number): void {
  if (!result.issues) return
  const summary = summarise(result.issues)
  throw new HttpError(500, `The handler's ${status} answer does not match its response schema: ${summary}`, {
    code: 'WEFT_RESPONSE_VALIDATION',
    errors: result.issues,
  })
}

/** The route's input schemas, then `next` (the handler): errors go to `onError`. */
type Validation = (ctx: Context<any>, next: Step, onError: ErrorResponder) => void | Promise<void>
type Step = (ctx: Context<any>) => void | Promise<void>

/**
 * The route's schemas as one step before the handler, or null when it has none.
 * Synchronous while the schemas are (params, query, headers); only reading the body, or
 * an async schema, costs a promise.
 */
function compileValidation(options: RouteOptions): Validation | null {
  const { params, query, headers, body } = options
  if (!params && !query && !headers && !body) return null
  const readBody = body ? compileBodyValidation(body, options) : null
  if (!params && !query && !headers) return readBody
  return (ctx, next, onError) => {
    const steps: (void | Promise<void>)[] = []
    if (params) steps.push(settle(validateInput(params, ctx.params, 'params'), (v) => (ctx.params = v)))
    if (query) {
      const input = ctx.query
      steps.push(settle(validateInput(query, input, 'query'), (v) => (ctx.query = keepMark(input, v))))
    }
    if (headers) {
      const input = ctx.headers
      steps.push(settle(validateInput(headers, input, 'headers'), (v) => (ctx.headers = keepMark(input, v))))
    }
    const then = readBody ? () => readBody(ctx, next, onError) : () => callSafely(ctx, next, onError)
    const pending = steps.filter((step) => step instanceof Promise)
    if (pending.length === 0) return then()
    return Promise.all(pending).then(then, (error) => onError(ctx, error))
  }
}

/**
 * Reads the body (415 for a type the route does not take), validates it and calls `next`,
 * in the one step after the parse: this is the validated POST's hot path.
 */
function compileBodyValidation(schema: StandardSchemaV1, options: RouteOptions): Validation {
  // Built once: parseBody is handed the same options on every request.
  const parse: ParseBodyOptions = {
    accepts: options.accepts ?? DEFAULT_ACCEPTS,
    multipart: options.multipart,
  }
  return (ctx, next, onError) =>
    ctx.parseBody(parse).then(
      (raw) => {
        let value: unknown
        try {
          value = validateInput(schema, raw, 'body')
        } catch (error) {
          return onError(ctx, error)
        }
        if (value instanceof Promise) {
          return value.then(
            (settled) => {
              ctx.body = keepMark(raw, settled)
              return callSafely(ctx, next, onError)
            },
            (error) => onError(ctx, error),
          )
        }
        ctx.body = keepMark(raw, value)
        return callSafely(ctx, next, onError)
      },
      (error) => onError(ctx, error),
    )
}

function callSafely(ctx: Context<any>, next: Step, onError: ErrorResponder): void | Promise<void> {
  try {
    return next(ctx)
  } catch (error) {
    return onError(ctx, error)
  }
}

/** Hands a value that may still be coming to `use`, without a tick when it is already here. */
function settle(value: unknown, use: (value: any) => unknown): void | Promise<void> {
  if (value instanceof Promise) return value.then((settled) => void use(settled))
  use(value)
}

/**
 * A schema's output is a new object: when the input was marked untrusted (it held a "$"
 * key), so is the output, or a schema that lets objects through would launder them.
 */
function keepMark<T>(input: unknown, output: T): T {
  return isUntrusted(input) ? untrusted(output) : output
}
