/** Members an error answer may add to its RFC 9457 problem document. */
export interface ProblemExtras {
  type?: string
  title?: string
  instance?: string
  code?: string
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

  get code(): string | undefined {
    return this.extras.code
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
 * The problem document for any thrown value. In production only 4xx HttpErrors (and 5xx
 * ones made with `expose: true`) say what went wrong: anything else may describe the
 * server's insides, so its message is hidden unless `expose` (development) is on.
 */
export function toProblem(error: unknown, expose: boolean): ProblemDocument {
  if (error instanceof HttpError) {
    const { type, title, ...rest } = error.extras
    const problem: ProblemDocument = {
      type: type ?? 'about:blank',
      title: title ?? statusTitle(error.status),
      status: error.status,
      ...rest,
    }
    if (error.expose || expose) problem.detail = error.message
    if (expose && error.status >= 500 && error.stack) problem.stack = error.stack.split('\n')
    return problem
  }
  const clientStatus = clientErrorStatus(error)
  if (clientStatus) {
    const { message, code } = error as { message?: unknown; code?: unknown }
    const problem: ProblemDocument = {
      type: 'about:blank',
      title: statusTitle(clientStatus),
      status: clientStatus,
    }
    if (typeof message === 'string') problem.detail = message
    if (typeof code === 'string') problem.code = code
    return problem
  }
  const problem: ProblemDocument = { type: 'about:blank', title: statusTitle(500), status: 500 }
  if (expose) {
    problem.detail = error instanceof Error ? error.message : String(error)
    if (error instanceof Error && error.stack) problem.stack = error.stack.split('\n')
  }
  return problem
}

/**
 * The 4xx status another library's error declares (`status`, as Koa and http-errors do),
 * or undefined. Only 4xx counts: those messages are meant for the client.
 */
export function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const status = (error as { status?: unknown }).status
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500
    ? status
    : undefined
}

/**
 * An HttpError without a stack trace, for answers the framework gives on every bad
 * request (404, 405): capturing a stack is most of their cost, and it only points here.
 */
export function routingError(...args: ConstructorParameters<typeof HttpError>): HttpError {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return new HttpError(...args)
  } finally {
    Error.stackTraceLimit = limit
  }
}
