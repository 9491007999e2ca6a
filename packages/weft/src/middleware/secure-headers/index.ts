import type { Middleware, Next } from '../../http/compose.js'
import type { Context } from '../../http/context.js'

/** CSP directives by name; a value of false drops a default directive. */
export type CspDirectives = Record<string, string | readonly string[] | boolean>

export interface SecureHeadersOptions {
  /** Default: helmet's policy (same-origin scripts, no plugins, no framing by others). */
  contentSecurityPolicy?: false | { directives?: CspDirectives; reportOnly?: boolean }
  /** Default `max-age=31536000; includeSubDomains` (browsers ignore it over plain http). */
  strictTransportSecurity?: false | string
  /** Default `SAMEORIGIN`. */
  xFrameOptions?: false | 'DENY' | 'SAMEORIGIN'
  /** Default `no-referrer`. */
  referrerPolicy?: false | string
  /** Default `same-origin`. */
  crossOriginOpenerPolicy?: false | string
  /** Default `same-origin`. */
  crossOriginResourcePolicy?: false | string
  /** Default off; `require-corp` for cross-origin isolation. */
  crossOriginEmbedderPolicy?: false | string
  /** Other headers by name, or false to drop one of the defaults (e.g. `'x-dns-prefetch-control': false`). */
  headers?: Record<string, string | false>
}

/** helmet's default Content-Security-Policy. */
const DEFAULT_CSP: CspDirectives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'font-src': ["'self'", 'https:', 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", 'https:', "'unsafe-inline'"],
  'upgrade-insecure-requests': true,
}

/** The headers helmet sets besides the ones with options above. */
const FIXED: Record<string, string> = {
  'origin-agent-cluster': '?1',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  // The old XSS auditor caused leaks of its own; helmet turns it off.
  'x-xss-protection': '0',
}

/**
 * helmet's defaults as one middleware: a Content-Security-Policy, HSTS, framing only by
 * the same origin, no MIME sniffing, no referrer, and the rest. Set on every answer,
 * errors included, before the handler runs.
 * @example app.use(secureHeaders({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'https://cdn.example.com'] } } }))
 */
export function secureHeaders(options: SecureHeadersOptions = {}): Middleware<Context> {
  const headers = computeHeaders(options)
  const entries = Object.entries(headers)
  return (ctx: Context, next: Next) => {
    for (const [name, value] of entries) ctx.header(name, value)
    return next()
  }
}

function computeHeaders(options: SecureHeadersOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const csp = options.contentSecurityPolicy
  if (csp !== false) {
    const name = csp?.reportOnly ? 'content-security-policy-report-only' : 'content-security-policy'
    headers[name] = serializeCsp({ ...DEFAULT_CSP, ...csp?.directives })
  }
  const set = (name: string, value: false | string | undefined, fallback: string | false) => {
    const chosen = value === undefined ? fallback : value
    if (chosen !== false) headers[name] = chosen
  }
  set('cross-origin-opener-policy', options.crossOriginOpenerPolicy, 'same-origin')
  set('cross-origin-resource-policy', options.crossOriginResourcePolicy, 'same-origin')
  set('cross-origin-embedder-policy', options.crossOriginEmbedderPolicy, false)
  set('referrer-policy', options.referrerPolicy, 'no-referrer')
  set('strict-transport-security', options.strictTransportSecurity, 'max-age=31536000; includeSubDomains')
  set('x-frame-options', options.xFrameOptions, 'SAMEORIGIN')
  Object.assign(headers, FIXED)
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === false) delete headers[name.toLowerCase()]
    else headers[name.toLowerCase()] = value
  }
  return headers
}

function serializeCsp(directives: CspDirectives): string {
  const parts: string[] = []
  for (const [name, value] of Object.entries(directives)) {
    if (value === false) continue
    if (!/^[a-z-]+$/.test(name)) throw new TypeError(`WEFT_BAD_CSP: "${name}" is not a CSP directive name`)
    const sources = value === true ? [] : typeof value === 'string' ? [value] : value
    for (const source of sources) {
      if (/[;,\r\n]/.test(source))
        throw new TypeError(`WEFT_BAD_CSP: the ${name} source "${source}" holds ; or ,`)
    }
    parts.push(sources.length ? `${name} ${sources.join(' ')}` : name)
  }
  return parts.join(';')
}
