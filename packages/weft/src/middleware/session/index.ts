import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'
import type { CookieOptions } from '../../http/cookies.js'
import { checkSecrets, encryptingSealer, randomId, type Sealer, signingSealer } from './seal.js'
import { Session } from './session.js'
import type { SessionStore } from './stores.js'

export { Session, sessionOf } from './session.js'
export {
  dataSessionStore,
  memorySessionStore,
  redisSessionStore,
  type SessionCollection,
  type SessionStore,
} from './stores.js'

export interface SessionOptions {
  /** At least 32 characters; a list (newest first) rotates secrets without logging anyone out. */
  secret: string | readonly string[]
  /**
   * Without a store the session lives in the cookie: `encrypt: true` (default) seals it
   * with AES-GCM, unreadable and tamper-proof; `false` signs it (readable by the client).
   */
  encrypt?: boolean
  /** Keep sessions on the server (Redis, weftjs/data, memory); the cookie holds a signed id. */
  store?: SessionStore
  /** Cookie name. Default `weft.session` (`__Host-weft.session` over https). */
  name?: string
  /** Seconds a session lives without being saved again. Default 1 day. */
  maxAge?: number
  /** Save (and extend) the session on every answer, not only when it changed. Default false. */
  rolling?: boolean
  /** Cookie attributes; defaults HttpOnly, SameSite=Lax, Path=/, Secure over https. */
  cookie?: Pick<CookieOptions, 'domain' | 'path' | 'sameSite' | 'secure' | 'httpOnly'>
}

/** Browsers refuse cookies past about 4 KB; a bigger cookie session belongs in a store. */
const COOKIE_LIMIT = 4000

/**
 * Sessions: `ctx.state.session` (typed: `sessionOf(ctx)`), saved when the answer leaves.
 * Cookie sessions are encrypted by default; with `store` only a signed id travels.
 * @example app.use(session({ secret: process.env.SESSION_SECRET! }))
 */
export function session(options: SessionOptions): Middleware<Context> {
  const secrets = checkSecrets(options?.secret, 'session()')
  const signer = signingSealer(secrets)
  const sealer: Sealer = options.store || options.encrypt === false ? signer : encryptingSealer(secrets)
  const store = options.store
  const maxAge = options.maxAge ?? 24 * 60 * 60
  const baseName = options.name ?? 'weft.session'

  return async (ctx: Context, next: Next) => {
    // __Host- binds the cookie to this host over https: no subdomain can set or shadow it.
    const name = ctx.secure && !options.cookie?.domain && !options.name ? `__Host-${baseName}` : baseName
    const current = await load(ctx.cookies.get(name))
    ctx.state.session = current
    await next()
    await save(ctx, name, current)
  }

  async function load(cookie: string | undefined): Promise<Session> {
    if (!cookie) return new Session({}, null)
    const opened = await sealer.open(cookie)
    if (opened === null) return new Session({}, null)
    if (store) {
      const data = await store.get(opened)
      return data ? new Session(data, opened) : new Session({}, null)
    }
    const parsed = JSON.parse(opened) as { d: Record<string, unknown>; e: number }
    return parsed.e > Date.now() ? new Session(parsed.d, null) : new Session({}, null)
  }

  async function save(ctx: Context, name: string, current: Session): Promise<void> {
    const cookieOptions: CookieOptions = { path: '/', ...options.cookie }
    if (current.destroyed) {
      if (store && current.id) await store.destroy(current.id)
      if (ctx.cookies.get(name) !== undefined) ctx.cookies.delete(name, cookieOptions)
      return
    }
    if (!current.changed && !(options.rolling && !current.isEmpty)) return
    if (current.isEmpty && current.id === null) return
    let value: string
    if (store) {
      if (current.regenerated && current.id) await store.destroy(current.id)
      const id = current.id && !current.regenerated ? current.id : randomId()
      await store.set(id, current.data, maxAge * 1000)
      current.id = id
      value = await signer.seal(id)
    } else {
      // A fresh IV per save: a regenerated cookie session shares nothing with the old value.
      value = await sealer.seal(JSON.stringify({ d: current.data, e: Date.now() + maxAge * 1000 }))
      if (value.length > COOKIE_LIMIT) {
        throw new Error(
          `WEFT_SESSION_TOO_LARGE: the session cookie would be ${value.length} bytes, over ${COOKIE_LIMIT}; keep less in it or use a store`,
        )
      }
    }
    ctx.cookies.set(name, value, { ...cookieOptions, maxAge })
  }
}
