import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Middleware, Next } from '../http/compose.js'
import type { Context } from '../http/context.js'
import { HttpError } from '../http/errors.js'

/** A Connect/Express middleware: `(req, res, next)`; error handlers (four arguments) are not middleware here. */
export type ExpressMiddleware = (req: any, res: any, next: (error?: unknown) => void) => unknown

/** What Weft's Node context holds: the real request and response pair. */
interface NodePair {
  incoming: IncomingMessage & Record<string, any>
  outgoing: ServerResponse & Record<string, any>
}

const NODE_ONLY =
  'WEFT_EXPRESS_NODE_ONLY: fromExpress() runs Express/Connect middleware on Node only, where a real IncomingMessage/ServerResponse pair exists; on Deno and Bun use the weftjs/<name> middleware instead (see docs/middleware.md)'

function onNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown; Bun?: unknown }
  return g.process?.versions?.node !== undefined && g.Deno === undefined && g.Bun === undefined
}

/**
 * Runs an Express or Connect middleware inside Weft's onion, on Node, with the real
 * `IncomingMessage`/`ServerResponse` pair: its headers join Weft's answer, `next(err)`
 * becomes an error answer (its `status` kept), a middleware that ends the response ends
 * it, and `req.body` set by a body parser is `ctx.body` (`req.user` is `ctx.state.user`).
 * @example app.use(fromExpress(helmet()))
 */
export function fromExpress(middleware: ExpressMiddleware): Middleware<Context> {
  if (typeof middleware !== 'function')
    throw new TypeError('WEFT_BAD_MIDDLEWARE: fromExpress() takes a (req, res, next) function')
  if (!onNode()) throw new Error(NODE_ONLY)
  return async (ctx: Context, next: Next) => {
    const pair = ctx as unknown as Partial<NodePair>
    if (!pair.incoming || !pair.outgoing)
      throw new Error(NODE_ONLY.replace('on Deno and Bun', 'in app.request() and app.fetch()'))
    const req = pair.incoming
    const res = pair.outgoing
    addExpressHelpers(req, res)
    const outcome = await runMiddleware(middleware, req, res)
    if (outcome === 'ended') {
      ctx.res.status = res.statusCode
      return
    }
    if (req.body !== undefined) ctx.body = req.body
    if (req.user !== undefined) ctx.state.user = req.user
    await next()
  }
}

/**
 * The few Express request/response helpers that middleware written for Express calls
 * (passport redirects with res.redirect, for one), added only where missing.
 */
function addExpressHelpers(req: NodePair['incoming'], res: NodePair['outgoing']): void {
  req.originalUrl ??= req.url
  req.get ??= (name: string) => req.headers[name.toLowerCase()]
  res.locals ??= {}
  res.status ??= (code: number) => {
    res.statusCode = code
    return res
  }
  res.set ??= (name: string, value: string) => {
    res.setHeader(name, value)
    return res
  }
  res.get ??= (name: string) => res.getHeader(name)
  res.redirect ??= (statusOrUrl: number | string, maybeUrl?: string) => {
    const [status, url] = typeof statusOrUrl === 'number' ? [statusOrUrl, maybeUrl!] : [302, statusOrUrl]
    res.statusCode = status
    res.setHeader('location', url)
    res.end()
  }
  res.json ??= (value: unknown) => {
    res.setHeader('content-type', 'application/json; charset=utf-8')
    res.end(JSON.stringify(value))
  }
  res.send ??= (value: unknown) => {
    if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) return res.json(value)
    if (!res.getHeader('content-type')) res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(value as string | Uint8Array)
  }
}

/** Calls the middleware; settles with 'next' when it calls next(), 'ended' when it ends the response. */
function runMiddleware(middleware: ExpressMiddleware, req: NodePair['incoming'], res: NodePair['outgoing']) {
  return new Promise<'next' | 'ended'>((resolve, reject) => {
    const end = res.end
    let settled = false
    const settle = (outcome: 'next' | 'ended' | Error) => {
      if (settled) return
      settled = true
      res.end = end
      if (outcome instanceof Error) reject(outcome)
      else resolve(outcome)
    }
    // Wrapping end() is how on-finished and friends learn of an answer the moment it is given.
    res.end = function (this: ServerResponse, ...args: unknown[]) {
      const result = (end as (...a: unknown[]) => ServerResponse).apply(this, args)
      settle('ended')
      return result
    } as ServerResponse['end']
    const nextFn = (error?: unknown) => {
      if (error === undefined || error === null || error === 'route' || error === 'router') settle('next')
      else settle(toHttpError(error))
    }
    try {
      const result = middleware(req, res, nextFn)
      if (result instanceof Promise) result.catch((error) => settle(toHttpError(error)))
    } catch (error) {
      settle(toHttpError(error))
    }
  })
}

/** `next(err)` with `err.status` (http-errors' shape) keeps that status; anything else is a 500. */
function toHttpError(error: unknown): Error {
  if (error instanceof HttpError) return error
  const status =
    (error as { status?: number; statusCode?: number })?.status ??
    (error as { statusCode?: number })?.statusCode
  if (typeof status === 'number' && status >= 400 && status <= 599) {
    const exposed = status < 500 && error instanceof Error ? error.message : undefined
    return new HttpError(status, exposed, { code: 'WEFT_EXPRESS_ERROR' }, { cause: error })
  }
  return error instanceof Error ? error : new Error(String(error))
}

/**
 * The Node request an Express middleware worked on, with what it added (`req.file` from
 * multer, `req.session` from express-session...).
 * @example const upload = expressRequest(ctx).file
 */
export function expressRequest(ctx: Context): IncomingMessage & Record<string, any> {
  const incoming = (ctx as unknown as Partial<NodePair>).incoming
  if (!incoming) throw new Error(NODE_ONLY)
  return incoming
}
