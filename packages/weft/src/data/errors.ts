// Every error weftjs/data throws: a stable `code` to branch on and a message that says
// what to change. Stores throw these too, so callers see the same errors everywhere.

export type DataErrorCode =
  | 'WEFT_DATA_DUPLICATE_KEY'
  | 'WEFT_DATA_VALIDATION'
  | 'WEFT_DATA_BAD_QUERY'
  | 'WEFT_DATA_BAD_OPERATOR'
  | 'WEFT_DATA_BAD_UPDATE'
  | 'WEFT_DATA_BAD_REGEX'
  | 'WEFT_DATA_OPERATOR_INJECTION'
  | 'WEFT_DATA_QUERY_TOO_LARGE'
  | 'WEFT_DATA_BAD_URL'
  | 'WEFT_DATA_MISSING_DRIVER'
  | 'WEFT_DATA_CLOSED'
  | 'WEFT_DATA_UNAVAILABLE'
  | 'WEFT_DATA_BUSY'
  | 'WEFT_DATA_READ_ONLY'
  | 'WEFT_DATA_DISK_FULL'
  | 'WEFT_DATA_INDEX_CONFLICT'
  | 'WEFT_DATA_BAD_MIGRATION'
  | 'WEFT_DATA_MIGRATION_FAILED'
  | (string & {})

/**
 * The HTTP status a data error answers with when it reaches a Weft route unhandled. A
 * malformed or refused filter, update or document is the client's: in a web app it is
 * almost always built from the request (`find(body.filter)`, `?$where=1`), and TypeScript
 * already catches most that code writes. A database that cannot answer now is 503 (with
 * Retry-After); other store failures stay 500.
 */
const CLIENT_STATUS: Record<string, number> = {
  WEFT_DATA_DUPLICATE_KEY: 409,
  WEFT_DATA_VALIDATION: 422,
  WEFT_DATA_OPERATOR_INJECTION: 400,
  WEFT_DATA_BAD_QUERY: 400,
  WEFT_DATA_BAD_OPERATOR: 400,
  WEFT_DATA_BAD_UPDATE: 400,
  WEFT_DATA_BAD_REGEX: 400,
  WEFT_DATA_QUERY_TOO_LARGE: 400,
  WEFT_DATA_BAD_FIELD: 400,
  WEFT_DATA_BAD_ID: 400,
  // The database cannot answer now; the same request may succeed later (Retry-After).
  WEFT_DATA_UNAVAILABLE: 503,
  WEFT_DATA_BUSY: 503,
  WEFT_DATA_READ_ONLY: 503,
  WEFT_DATA_DISK_FULL: 503,
}

export class DataError extends Error {
  readonly code: DataErrorCode
  /**
   * Set for errors the client caused (409, 422, 400) and for a database that cannot answer
   * now (503); others are server errors (500).
   */
  readonly status: number | undefined

  constructor(code: DataErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DataError'
    this.code = code
    this.status = CLIENT_STATUS[code]
  }
}

/** A write would give two documents the same key in a unique index (`_id` included). */
export class DuplicateKeyError extends DataError {
  readonly index: string
  readonly key: Record<string, unknown>

  constructor(index: string, key: Record<string, unknown>) {
    super(
      'WEFT_DATA_DUPLICATE_KEY',
      `Duplicate key in unique index "${index}": ${safeJson(key)}. ` +
        'Use a different value, or update the existing document instead of inserting.',
    )
    this.name = 'DuplicateKeyError'
    this.index = index
    this.key = key
  }
}

export interface ValidationIssue {
  message: string
  path: (string | number)[]
}

/** A write did not satisfy the collection's schema; `issues` lists every problem. */
export class ValidationError extends DataError {
  readonly issues: ValidationIssue[]

  constructor(collection: string, issues: ValidationIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.path.join('.') || '(document)'}: ${issue.message}`)
    super(
      'WEFT_DATA_VALIDATION',
      `Document does not match the schema of collection "${collection}":\n${lines.join('\n')}\n` +
        'Fix the listed fields, or change the schema.',
    )
    this.name = 'ValidationError'
    this.issues = issues
  }
}

/**
 * The database cannot answer now: unreachable, restarting, too slow (a timeout), locked
 * by another writer, read-only or out of disk. `retryAfter` (seconds) says when trying
 * again makes sense; `headers` carries it as `Retry-After` for HTTP. A write that fails
 * this way did not happen, unless the connection broke while it committed (then it may
 * have): retry writes that are safe to repeat (by `_id`, `$set`).
 */
export class DataUnavailableError extends DataError {
  readonly retryAfter: number
  readonly headers: Record<string, string>
  /** Its message names no host or driver detail: an HTTP answer may show it. */
  readonly expose = true

  constructor(message: string, options: { code?: DataErrorCode; retryAfter?: number; cause?: unknown } = {}) {
    super(options.code ?? 'WEFT_DATA_UNAVAILABLE', message)
    this.name = 'DataUnavailableError'
    this.retryAfter = options.retryAfter ?? 1
    this.headers = { 'retry-after': String(this.retryAfter) }
    if (options.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause })
  }
}

/** A filter, sort, projection or option is malformed. */
export class QueryError extends DataError {
  constructor(message: string, code: DataErrorCode = 'WEFT_DATA_BAD_QUERY') {
    super(code, message)
    this.name = 'QueryError'
  }
}

/** An update document is malformed or cannot apply to the document it matched. */
export class UpdateError extends DataError {
  constructor(message: string) {
    super('WEFT_DATA_BAD_UPDATE', message)
    this.name = 'UpdateError'
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}
