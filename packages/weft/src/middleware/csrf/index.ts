import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'
import { HttpError } from '../../http/errors.js'
import { randomId } from '../session/seal.js'
import { Session } from '../session/session.js'

export interface CsrfOptions {
  /** Header a script sends the token in. Default `x-csrf-token`. */
  header?: string
  /** Form field a page posts the token in. Default `_csrf`. */
  field?: string
  /** Methods that change nothing and are not checked. Default GET, HEAD, OPTIONS. */
  safeMethods?: readonly string[]
  /** Cookie for the token when no session is in front (double submit). Default `weft.csrf`. */
  cookie?: string
}

const SESSION_KEY = 'csrf'

/**
 * Cross-site request forgery protection for cookie sessions and form posts. Every
 * request gets a token in `ctx.state.csrfToken` (put it in forms as `_csrf`, or send it
 * as `x-csrf-token`); an unsafe request (POST, PUT, PATCH, DELETE) without the right
 * token, or from another origin, answers 403 `WEFT_CSRF`. The token lives in the session
 * when `weftjs/session` runs first, else in an HttpOnly SameSite=Strict cookie.
 * @example app.use(session({ secret })).use(csrf())
 */
export function csrf(options: CsrfOptions = {}): Middleware<Context> {
  const header = (options.header ?? 'x-csrf-token').toLowerCase()
  const field = options.field ?? '_csrf'
  const safe = new Set(options.safeMethods ?? ['GET', 'HEAD', 'OPTIONS'])
  const cookieName = options.cookie ?? 'weft.csrf'

  return async (ctx: Context, next: Next) => {
    const session = ctx.state.session instanceof Session ? ctx.state.session : null
    let token = session ? session.get<string>(SESSION_KEY) : ctx.cookies.get(cookieName)
    const known = token !== undefined && token.length >= 32
    if (!safe.has(ctx.method)) {
      checkOrigin(ctx)
      const sent = ctx.headerValue(header) ?? (await formToken(ctx, field))
      if (!known || sent === undefined || !equal(sent, token!)) {
        throw new HttpError(403, 'The CSRF token is missing or wrong; reload the page and try again', {
          code: 'WEFT_CSRF',
        })
      }
    }
    if (!known) {
      token = randomId()
      if (session) session.set(SESSION_KEY, token)
      else ctx.cookies.set(cookieName, token, { sameSite: 'Strict', httpOnly: true })
    }
    ctx.state.csrfToken = token
    return next()
  }
}

/** A browser names the page's origin on cross-site posts; one that is not ours is refused outright. */
function checkOrigin(ctx: Context): void {
  const origin = ctx.headerValue('origin')
  if (origin === undefined || origin === 'null') return
  const host = ctx.headerValue('host')
  let originHost: string
  try {
    originHost = new URL(origin).host
  } catch {
    originHost = ''
  }
  if (originHost !== host) {
    throw new HttpError(403, `Cross-origin request from ${origin} refused`, { code: 'WEFT_CSRF' })
  }
}

async function formToken(ctx: Context, field: string): Promise<string | undefined> {
  const type = ctx.headerValue('content-type') ?? ''
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return undefined
  const body = (await ctx.parseBody()) as Record<string, unknown> | undefined
  const value = body?.[field]
  return typeof value === 'string' ? value : undefined
}

/** Compares without an early exit, so timing does not reveal how much of a guess was right. */
function equal(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
