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
/** Attribute values may not end the attribute or the header. */
const ATTRIBUTE = /^[^;\r\n\0]*$/

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

/** One `Set-Cookie` value, secure by default: HttpOnly, SameSite=Lax, Path=/. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!TOKEN.test(name)) throw new TypeError(`WEFT_BAD_COOKIE: "${name}" is not a valid cookie name`)
  let cookie = `${name}=${encodeURIComponent(value)}`
  const path = options.path ?? '/'
  const sameSite = options.sameSite ?? 'Lax'
  checkAttribute('path', path)
  cookie += `; Path=${path}`
  if (options.domain !== undefined) {
    checkAttribute('domain', options.domain)
    cookie += `; Domain=${options.domain}`
  }
  if (options.maxAge !== undefined) cookie += `; Max-Age=${Math.floor(options.maxAge)}`
  if (options.expires) cookie += `; Expires=${options.expires.toUTCString()}`
  if (options.httpOnly ?? true) cookie += '; HttpOnly'
  // Browsers drop SameSite=None cookies that are not Secure, so None implies Secure.
  if (options.secure || sameSite === 'None') cookie += '; Secure'
  cookie += `; SameSite=${sameSite}`
  if (options.partitioned) cookie += '; Partitioned'
  if (options.priority) cookie += `; Priority=${options.priority}`
  return cookie
}

function checkAttribute(name: string, value: string): void {
  if (!ATTRIBUTE.test(value))
    throw new TypeError(`WEFT_BAD_COOKIE: the cookie ${name} "${value}" holds ; or a line break`)
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
    return { ...this.parsed }
  }

  set(name: string, value: string, options: CookieOptions = {}): void {
    this.append(serializeCookie(name, value, { secure: this.secure, ...options }))
  }

  delete(name: string, options: Pick<CookieOptions, 'path' | 'domain'> = {}): void {
    this.set(name, '', { ...options, maxAge: 0, expires: new Date(0) })
  }
}
