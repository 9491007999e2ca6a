// What every adapter does with a WebSocket upgrade request before its runtime takes the
// socket: run it through the app (middleware, `upgrade(ctx)`), then admit it or refuse it.
import type { Weft } from '../http/app.js'
import { HttpError, toProblem } from '../http/errors.js'
import { toWebResponse } from '../http/response.js'
import { type AcceptedUpgrade, takeUpgrade } from '../http/websocket.js'
import { FetchContext } from './fetch/context.js'
import type { OpenSockets } from './websocket-sockets.js'

export type UpgradeOutcome =
  | { response: Response; upgrade?: undefined }
  | { upgrade: AcceptedUpgrade; headers: [string, string][]; response?: undefined }

/**
 * Runs an upgrade request through the app. A route that accepts it yields the upgrade and
 * the headers middleware set (cookies, say) for the 101 answer; anything else is the HTTP
 * answer to send instead. The connections-per-IP limit is checked last, against the route's:
 * an accepted upgrade holds a slot, which the adapter releases if the socket never opens.
 */
export async function runUpgrade(
  app: Weft<any>,
  request: Request,
  remoteAddress: string,
  sockets: OpenSockets,
): Promise<UpgradeOutcome> {
  // The runtime (Node's parser, Deno, Bun) has bounded the head already.
  const ctx = new FetchContext(request, app.limits.bodySize, NO_HEAD_CHECK)
  try {
    await app.handle(ctx)
  } finally {
    // The upgrade request's scope ends here; a socket is not a request.
    ctx.finish()
  }
  const upgrade = takeUpgrade(ctx)
  if (!upgrade) return { response: toWebResponse(ctx.res, false) }
  const refusal = sockets.closing
    ? new HttpError(503, 'The server is shutting down', { code: 'WEFT_SHUTTING_DOWN' })
    : sockets.reserve(remoteAddress, upgrade.route.limits.connectionsPerIp)
      ? null
      : new HttpError(429, `Too many WebSocket connections from ${remoteAddress}`, {
          code: 'WEFT_TOO_MANY_CONNECTIONS',
        })
  if (refusal) return { response: problemResponse(refusal) }
  return { upgrade, headers: headerPairs(ctx.res.headers) }
}

const NO_HEAD_CHECK = { count: false, size: false }

/** A refusal decided after the app ran (the socket limits): a problem document of its own. */
function problemResponse(error: HttpError): Response {
  return new Response(JSON.stringify(toProblem(error, false)), {
    status: error.status,
    headers: { 'content-type': 'application/problem+json' },
  })
}

function headerPairs(headers: Record<string, string | string[]>): [string, string][] {
  const pairs: [string, string][] = []
  for (const name in headers) {
    const value = headers[name]
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item])
    else pairs.push([name, value])
  }
  return pairs
}
