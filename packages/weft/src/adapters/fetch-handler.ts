import type { Weft } from '../http/app.js'
import { HttpError } from '../http/errors.js'
import { FetchContext } from '../http/fetch-context.js'
import { DEFAULT_LIMITS, type Limits } from '../http/limits.js'
import { toWebResponse } from '../http/response.js'

/** The head limits a runtime enforces by itself, and how it answers past them. */
export interface RuntimeHeadLimits {
  headerCount: number
  headerSize: number
}

/**
 * The request handler for Deno and Bun: Weft's fetch, with head checks only if the app
 * asks for limits stricter than the runtime's own. Counting headers means materialising
 * and walking `request.headers`, which cost Deno about a fifth of its throughput on a
 * small answer; so at Weft's defaults the runtime's bounds stand in (docs/runtimes.md),
 * and a limit the app sets to another value is enforced here with the 431 Node gives.
 */
export function fetchHandler(
  app: Weft<any>,
  runtime: RuntimeHeadLimits,
): (request: Request) => Response | Promise<Response> {
  const { limits } = app
  const count = limits.headerCount !== DEFAULT_LIMITS.headerCount && limits.headerCount < runtime.headerCount
  const size = limits.headerSize !== DEFAULT_LIMITS.headerSize && limits.headerSize < runtime.headerSize
  const fetch = (request: Request) => app.dispatch(request)
  if (!count && !size) return fetch
  return (request) => {
    const error = checkHead(request, limits, size)
    return error ? answerError(app, request, error) : fetch(request)
  }
}

/** The 431 for a request head past the limits, else null. One pass over the headers. */
export function checkHead(request: Request, limits: Limits, checkSize: boolean): HttpError | null {
  let count = 0
  let size = checkSize ? request.url.length + request.method.length : 0
  // Bun counts headers without iterating; elsewhere one pass counts and sizes at once.
  const fastCount = (request.headers as { count?: number }).count
  if (fastCount !== undefined && !checkSize) count = fastCount
  else
    for (const [name, value] of request.headers) {
      count++
      if (checkSize) size += name.length + value.length + 4
    }
  if (count > limits.headerCount) {
    return new HttpError(431, `More than ${limits.headerCount} request headers`, {
      code: 'WEFT_TOO_MANY_HEADERS',
    })
  }
  if (size > limits.headerSize) {
    return new HttpError(431, `The request head is larger than ${limits.headerSize} bytes`, {
      code: 'WEFT_HEADERS_TOO_LARGE',
    })
  }
  return null
}

/** Answers `error` the way the app answers any error (its onError, problem+json). */
export async function answerError(app: Weft<any>, request: Request, error: unknown): Promise<Response> {
  const ctx = new FetchContext(request, app.limits.bodySize)
  await app.answerError(ctx, error)
  return toWebResponse(ctx.res, request.method === 'HEAD')
}

/** The last resort when even the error answer failed: a bare problem document. */
export function internalError(): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500 }), {
    status: 500,
    headers: { 'content-type': 'application/problem+json' },
  })
}
