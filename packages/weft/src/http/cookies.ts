import { isUntrusted, untrusted } from '../shared/untrusted.js'
import { HttpError } from './errors.js'

export interface CookieOptions {
  /** Seconds until it expires; 0 or less deletes it. */
  maxAge?: number
  expires?: Date
  domain?: string
  path?: string
  /** Defaults to true when the request came over https. */
  secure?: boolean
  /** Defaults to true: scripts cannot read the cookie. */
  httpOnly?: boolean
  /** Defaults to 'Lax'. */
  sameSite?: 'Strict' | 'Lax' | 'None'
  partitioned?: boolean
  priority?: 'Low' | 'Medium' | 'High'
}

/** Cookie names are RFC 6265 tokens. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** RFC 6265 path-value: printable ASCII but ";", starting at the root. */
const PATH = /^\/[\x20-\x3a\x3c-\x7e]*$/
/** A host name (letters, digits, hyphens between dots), optionally with a leading dot. */
const DOMAIN =
  /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
const SAME_SITE = new Set(['Strict', 'Lax', 'None'])
const PRIORITY = new Set(['Low', 'Medium', 'High'])

/** Reads a `Cookie` header into an object with no prototype; values are percent-decoded. */
export function parseCookies(header: string | null | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null)
  if (!header) return cookies
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1) continue
    const name = pair.slice(0, eq).trim()
    if (!name || name in cookies) continue
    let value = pair.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length > 1) value = value.slice(1, -1)
    cookies[name] = safeDecode(value)
  }
  // Cookie names may start with "$": such a jar is marked, as query strings and forms are.
  for (const name in cookies) if (name.charCodeAt(0) === 36) return untrusted(cookies)
  return cookies
}

function safeDecode(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/**
 * One `Set-Cookie` value, secure by default: HttpOnly, SameSite=Lax, Path=/. Attributes
 * a browser would drop or misread are refused (`WEFT_BAD_COOKIE`) instead of sent: a
 * path or domain that is not one, `SameSite=None` without Secure, and the rules of the
 * `__Secure-` (Secure) and `__Host-` (Secure, Path=/, no Domain) name prefixes.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!TOKEN.test(name)) throw badCookie(`"${name.slice(0, 64)}" is not a valid cookie name`)
  const path = options.path ?? '/'
  const sameSite = options.sameSite ?? 'Lax'
  const secure = options.secure === true
  checkAttributes(name, path, sameSite, secure, options)
  let cookie = `${name}=${encodeURIComponent(value)}; Path=${path}`
  if (options.domain !== undefined) cookie += `; Domain=${options.domain}`
  if (options.maxAge !== undefined) cookie += `; Max-Age=${Math.floor(options.maxAge)}`
  if (options.expires) cookie += `; Expires=${options.expires.toUTCString()}`
  if (options.httpOnly ?? true) cookie += '; HttpOnly'
  if (secure) cookie += '; Secure'
  cookie += `; SameSite=${sameSite}`
  if (options.partitioned) cookie += '; Partitioned'
  if (options.priority) cookie += `; Priority=${options.priority}`
  return cookie
}

function checkAttributes(
  name: string,
  path: string,
  sameSite: string,
  secure: boolean,
  options: CookieOptions,
): void {
  if (!PATH.test(path))
    throw badCookie(`the path ${quote(path)} must start with "/" and hold no ";" or controls`)
  if (options.domain !== undefined && !DOMAIN.test(options.domain))
    throw badCookie(`the domain ${quote(options.domain)} is not a host name`)
  if (!SAME_SITE.has(sameSite))
    throw badCookie(`sameSite must be Strict, Lax or None, not ${quote(sameSite)}`)
  if (options.priority !== undefined && !PRIORITY.has(options.priority))
    throw badCookie(`priority must be Low, Medium or High, not ${quote(options.priority)}`)
  if (options.maxAge !== undefined && !Number.isFinite(options.maxAge))
    throw badCookie('maxAge must be a finite number of seconds')
  if (options.expires !== undefined && Number.isNaN(options.expires.getTime()))
    throw badCookie('expires is an invalid Date')
  // Browsers drop these cookies silently; an error now beats a login that never sticks.
  if (sameSite === 'None' && !secure)
    throw badCookie(`"${name}" has SameSite=None, which browsers only keep with secure: true`)
  if (options.partitioned && !secure) throw badCookie(`"${name}" is Partitioned, which needs secure: true`)
  if (name.startsWith('__Secure-') && !secure) throw badCookie(`a __Secure- cookie needs secure: true`)
  if (name.startsWith('__Host-') && (!secure || path !== '/' || options.domain !== undefined))
    throw badCookie('a __Host- cookie needs secure: true, path "/" and no domain')
}

/** A bug in the code setting the cookie: a 500 whose code says what, never a broken header. */
function badCookie(message: string): HttpError {
  return new HttpError(500, `Refused to set a cookie: ${message}`, { code: 'WEFT_BAD_COOKIE' })
}

function quote(value: string): string {
  return JSON.stringify(value.slice(0, 64))
}

/** `ctx.cookies`: read the request's cookies, set or delete cookies on the response. */
export class Cookies {
  private parsed: Record<string, string> | undefined

  constructor(
    private readonly header: () => string | null | undefined,
    private readonly append: (setCookie: string) => void,
    private readonly secure: boolean,
  ) {}

  get(name: string): string | undefined {
    this.parsed ??= parseCookies(this.header())
    return this.parsed[name]
  }

  all(): Record<string, string> {
    this.parsed ??= parseCookies(this.header())
    const copy = { ...this.parsed }
    return isUntrusted(this.parsed) ? untrusted(copy) : copy
  }

  set(name: string, value: string, options: CookieOptions = {}): void {
    this.append(serializeCookie(name, value, { secure: this.secure, ...options }))
  }

  delete(name: string, options: Pick<CookieOptions, 'path' | 'domain'> = {}): void {
    this.set(name, '', { ...options, maxAge: 0, expires: new Date(0) })
  }
}
