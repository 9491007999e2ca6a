// Secure headers in a new app: weftjs/secure-headers where this weftjs exports it, else a
// small middleware of the app's own with the same defaults.
import type { Files, TemplateOptions } from './options.js'

const hasSubpath = (options: TemplateOptions) => options.subpaths.has('./secure-headers')

export function secureHeadersImport(options: TemplateOptions): string {
  return hasSubpath(options)
    ? "import { secureHeaders } from 'weftjs/secure-headers'"
    : "import { secureHeaders } from './secure-headers.ts'"
}

export function secureHeadersFiles(options: TemplateOptions): Files {
  if (hasSubpath(options)) return {}
  return {
    'src/secure-headers.ts': `import type { Context, Middleware } from 'weftjs'

/**
 * Headers that turn off what an API never needs: content sniffing, framing, referrers,
 * cross-origin reads; HTTPS only once it has been used.
 */
const HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
}

export function secureHeaders(): Middleware<Context> {
  return async (ctx, next) => {
    await next()
    for (const [name, value] of Object.entries(HEADERS)) ctx.header(name, value)
  }
}
`,
  }
}
