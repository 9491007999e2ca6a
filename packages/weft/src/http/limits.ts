import type { HeadMeasure } from './context.js'
import { HttpError } from './errors.js'

/** Every limit is on by default; `weft({ limits })` changes any of them. */
export interface Limits {
  /** Largest request body read, in bytes. Default 1 MiB; a route's `bodyLimit` overrides it. */
  bodySize: number
  /** Largest request head (request line and headers), in bytes. Default 16 KiB. */
  headerSize: number
  /** Most request headers; more answers 431. Default 100. */
  headerCount: number
  /** Milliseconds for a whole request to arrive. Default 30 s. */
  requestTimeout: number
  /** Milliseconds for the request head to arrive. Default 10 s. */
  headersTimeout: number
  /** Milliseconds an idle keep-alive connection stays open. Default 5 s. */
  keepAliveTimeout: number
  /** Deepest nesting of objects and arrays in a JSON body; deeper answers 400. Default 256. */
  bodyDepth: number
  /**
   * Milliseconds a response may wait for a client that stops reading before the
   * connection is closed and the body's stream released. Default 30 s. Node only.
   */
  sendTimeout: number
}

export const DEFAULT_LIMITS: Limits = {
  bodySize: 1024 * 1024,
  headerSize: 16 * 1024,
  headerCount: 100,
  requestTimeout: 30_000,
  headersTimeout: 10_000,
  keepAliveTimeout: 5_000,
  bodyDepth: 256,
  sendTimeout: 30_000,
}

/**
 * The 431 for a request head past the limits, else null. Adapters measure what their
 * runtime does not bound by itself (a size of 0 is one the runtime enforces).
 */
export function headLimitError(head: HeadMeasure, limits: Limits): HttpError | null {
  if (head.count > limits.headerCount) {
    return new HttpError(431, `More than ${limits.headerCount} request headers`, {
      code: 'WEFT_TOO_MANY_HEADERS',
    })
  }
  if (head.size > limits.headerSize) {
    return new HttpError(431, `The request head is larger than ${limits.headerSize} bytes`, {
      code: 'WEFT_HEADERS_TOO_LARGE',
    })
  }
  return null
}
