// Which PostgreSQL failures mean "the database cannot answer now" rather than "this
// query is wrong": a server that is down, restarting, shutting connections, out of
// connections or disk, a standby after a failover, a timeout, a broken socket. Those
// become a DataUnavailableError (503 with Retry-After); anything else passes through.

import { DataUnavailableError } from '../errors.js'

// SQLSTATE classes and codes: https://www.postgresql.org/docs/current/errcodes-appendix.html
const BY_SQLSTATE: Record<string, string> = {
  '57P01': 'is shutting down', // admin_shutdown (pg_ctl stop -m fast, a failover)
  '57P02': 'crashed and is restarting', // crash_shutdown
  '57P03': 'is starting up or shutting down', // cannot_connect_now
  '57P05': 'dropped an idle session', // idle_session_timeout
  '57014': 'did not answer within the statement timeout', // query_canceled
  '53300': 'has no free connections', // too_many_connections
  '53200': 'is out of memory', // out_of_memory
}

// Node's socket errors: the server is not there, or the network between is broken.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
])

// pg and pg-pool report a lost connection or a timeout with plain Errors.
const DRIVER_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed and is not queryable)/

/** A DataUnavailableError for a failure that means the database is unavailable, else the error itself. */
export function postgresFailure(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || error instanceof DataUnavailableError) return error
  const { code, message } = error as { code?: unknown; message?: unknown }
  const text = typeof message === 'string' ? message : ''
  if (code === '53100') return unavailable('is out of disk space', error, 'WEFT_DATA_DISK_FULL')
  if (code === '25006') return unavailable('is read-only (a standby?)', error, 'WEFT_DATA_READ_ONLY')
  let reason: string | undefined
  if (typeof code === 'string') {
    reason =
      BY_SQLSTATE[code] ??
      (code.startsWith('08') ? 'dropped the connection' : undefined) ??
      (NETWORK_CODES.has(code) ? 'is unreachable' : undefined)
  }
  if (!reason && DRIVER_MESSAGES.test(text))
    reason = /timeout/i.test(text) ? 'did not answer in time' : 'dropped the connection'
  return reason ? unavailable(reason, error) : error
}

/** A data exception (SQLSTATE class 22: a value of the wrong type, out of range...). */
export function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('22')
}

function unavailable(reason: string, cause: unknown, code?: string): DataUnavailableError {
  return new DataUnavailableError(
    `The database ${reason}. The request was not completed; try again shortly.`,
    { cause, code, retryAfter: 1 },
  )
}
