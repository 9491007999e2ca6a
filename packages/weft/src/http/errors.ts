import { defaultCode, ERROR_CODES, type ErrorCode } from '../shared/error-codes.js'

/** Members an error answer may add to its RFC 9457 problem document. */
export interface ProblemExtras {
  type?: string
  title?: string
  instance?: string
  /** A registered `WEFT_*` code (docs/errors.md) or your own; default: the status's code. */
  code?: ErrorCode | (string & {})
  [member: string]: unknown
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export function statusTitle(status: number): string {
  return STATUS_TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error')
}

/**
 * An error that answers with its status and an `application/problem+json` body. A 4xx
 * message is the answer's `detail`; a 5xx message is shown only in development or with
 * `expose: true`, as it may describe the server's insides.
 * @example throw new HttpError(404, 'No such user', { code: 'USER_NOT_FOUND' })
 * @example throw new HttpError(503, 'Down for maintenance', {}, { expose: true })
 */
export class HttpError extends Error {
  readonly status: number
  readonly extras: ProblemExtras
  /** Headers sent with the answer, such as `Allow` on a 405. */
  readonly headers: Record<string, string>
  /** Whether the message is sent to the client: always for 4xx, opt-in for 5xx. */
  readonly expose: boolean

  constructor(
    status: number,
    message?: string,
    extras: ProblemExtras = {},
    init: { headers?: Record<string, string>; cause?: unknown; expose?: boolean } = {},
  ) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`WEFT_BAD_STATUS: HttpError takes a 4xx or 5xx status, got ${status}`)
    }
    super(message ?? statusTitle(status), init.cause === undefined ? undefined : { cause: init.cause })
    this.name = 'HttpError'
    this.status = status
    this.extras = extras
    this.headers = init.headers ?? {}
    this.expose = init.expose ?? status < 500
  }

  /** The `code` of the answer: the one given, else the default of the status (`WEFT_NOT_FOUND`...). */
  get code(): string {
    return this.extras.code ?? defaultCode(this.status)
  }
}

export interface ProblemDocument {
  type: string
  title: string
  status: number
  detail?: string
  [member: string]: unknown
}

/**
 * The problem document for any thrown value; it always carries a `code`. In production
 * only 4xx HttpErrors (and 5xx ones made with `expose: true`) and other libraries' client
 * errors say what went wrong: anything else may describe the server's insides, so its
 * message is hidden unless `expose` (development) is on.
 */
export function toProblem(error: unknown, expose: boolean): ProblemDocument {
  if (error instanceof HttpError) {
    const { extras, status } = error
    const problem: ProblemDocument = {
      type: extras.type ?? 'about:blank',
      title: extras.title ?? statusTitle(status),
      status,
      code: extras.code ?? defaultCode(status),
    }
    if (error.expose || expose) problem.detail = error.message
    // A loop, not a rest pattern: this runs for every 404, and most extras hold only a code.
    for (const key in extras)
      if (key !== 'type' && key !== 'title' && key !== 'code') problem[key] = extras[key]
    if (expose && error.status >= 500 && error.stack) problem.stack = error.stack.split('\n')
    return problem
  }
  const status = errorStatus(error)
  const problem: ProblemDocument = {
    type: 'about:blank',
    title: statusTitle(status),
    status,
    code: publicCode(error, status),
  }
  const message =
    typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : error
  // A 5xx message (a 503's: the database is down) is shown only when its error says it is
  // meant for clients (`expose`, as http-errors marks it), like a 5xx HttpError.
  const shown = status < 500 || (error as { expose?: unknown } | null)?.expose === true
  if (expose) problem.detail = typeof message === 'string' ? message : String(error)
  else if (shown && typeof message === 'string') problem.detail = message
  if (expose && error instanceof Error && error.stack) problem.stack = error.stack.split('\n')
  return problem
}

/**
 * The status any thrown value answers with: an HttpError's own; a WEFT_* code's from the
 * registry (how data and DI errors map to HTTP without importing it); a 4xx or 503 another
 * library declares; else 500.
 */
export function errorStatus(error: unknown): number {
  if (error instanceof HttpError) return error.status
  const code = ownCode(error)
  const registered = code && (ERROR_CODES as Record<string, { status: number | null }>)[code]?.status
  return registered || (clientErrorStatus(error) ?? 500)
}

/**
 * The code a non-HttpError answers with: a registered WEFT_* code, or the code a client
 * error (4xx) declares; never a server error's own (an SQLSTATE, ECONNREFUSED): those
 * describe the inside.
 */
function publicCode(error: unknown, status: number): string {
  const code = ownCode(error)
  if (code && (code in ERROR_CODES || status < 500)) return code
  return defaultCode(status)
}

/** The string `code` an error carries, if any. */
function ownCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : undefined
}

/**
 * The 4xx or 503 status another library's error declares (`status`, as Koa and
 * http-errors do), or undefined. Only these count: their messages are meant for the
 * client (503: a service the request needs is down, such as the database; retry later).
 */
export function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const status = (error as { status?: unknown }).status
  return typeof status === 'number' &&
    Number.isInteger(status) &&
    ((status >= 400 && status < 500) || status === 503)
    ? status
    : undefined
}

/** Headers an error asks to answer with: an HttpError's, or `headers` of a library error with a client status (as Koa reads them). */
export function errorHeaders(error: unknown): Record<string, string> {
  if (error instanceof HttpError) return error.headers
  if (!clientErrorStatus(error)) return {}
  const headers = (error as { headers?: unknown }).headers
  if (typeof headers !== 'object' || headers === null) return {}
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => typeof value === 'string'))
}

/**
 * An HttpError without a stack trace, for answers the framework gives on every bad
 * request (404, 405): capturing a stack (even an empty one) was most of their cost, and it
 * would only point here. It is an HttpError and an Error in every other respect.
 */
export function routingError(
  status: number,
  message: string,
  extras: ProblemExtras,
  init: { headers?: Record<string, string> } = {},
): HttpError {
  const error = Object.create(HttpError.prototype) as HttpError
  return Object.assign(error, {
    name: 'HttpError',
    message,
    status,
    extras,
    headers: init.headers ?? {},
    expose: true,
  })
}
