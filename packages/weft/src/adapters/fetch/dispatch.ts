import type { Weft } from '../../http/app.js'
import { DEFAULT_LIMITS, type Limits } from '../../http/limits.js'
import { toWebResponse } from '../../http/response.js'
import { lastResortResponse } from '../last-resort.js'
import { FetchContext, type HeadCheck } from './context.js'

/** The head bounds a runtime enforces by itself (Deno, Bun); Weft's defaults for plain `app.fetch`. */
export interface RuntimeHeadLimits {
  headerCount: number
  headerSize: number
}

/** What Weft measures on top of the runtime: only a limit the app set stricter than the runtime's own. */
export function headCheck(limits: Limits, runtime: RuntimeHeadLimits): HeadCheck {
  return {
    count: limits.headerCount !== DEFAULT_LIMITS.headerCount && limits.headerCount < runtime.headerCount,
    size: limits.headerSize !== DEFAULT_LIMITS.headerSize && limits.headerSize < runtime.headerSize,
  }
}

/**
 * The Fetch adapter: a Web Request in, through the app's one lifecycle (`app.handle`), a
 * Web Response out; synchronous when the route ran synchronously (Deno.serve and Bun.serve
 * take a Response as it is, which saves a promise and a tick).
 */
export function dispatch(app: Weft<any>, request: Request, check: HeadCheck): Response | Promise<Response> {
  const ctx = new FetchContext(request, app.limits.bodySize, check)
  const head = request.method === 'HEAD'
  const pending = app.handle(ctx)
  // A WebSocket upgrade is decided in app.handle() like any route (middleware, auth); the
  // runtime's adapters/<runtime>/websocket.ts completes it from the request, around this call.
  return pending ? pending.then(() => respond(app, ctx, head)) : respond(app, ctx, head)
}

/** `ctx.res` as a Web Response; the request's scope ends once it is built. */
function respond(app: Weft<any>, ctx: FetchContext, head: boolean): Response {
  try {
    return toWebResponse(ctx.res, head)
  } catch (error) {
    app.logger.error({ err: String(error), method: ctx.method, path: ctx.path }, 'response failed')
    return lastResortResponse()
  } finally {
    ctx.finish()
  }
}
