import { HttpError } from './errors.js'

// Request paths as the router and the app see them: raw (still percent-encoded) strings.

/** `/users/` and `/users` are one route, as in Express. */
export function normalizePath(path: string): string {
  if (path.length > 1 && path.charCodeAt(path.length - 1) === 47) return path.slice(0, -1)
  return path || '/'
}

/** Whether middleware scoped to `prefix` wraps `path` (segment-wise: `/admin` is not `/administrator`). */
export function coversPath(prefix: string | null, path: string): boolean {
  if (prefix === null || prefix === '/') return true
  return path === prefix || path.startsWith(`${prefix}/`)
}

/** A prefix and a path as one path: `/users/` + `/:id` is `/users/:id`, `/users` + `/` is `/users`. */
export function joinPath(prefix: string, path: string): string {
  const head = normalizePath(prefix)
  if (head === '/') return path
  return path === '/' ? head : `${head}${path}`
}

/**
 * Refuses, with 400, a request target that is not a path (`GET *users/1`, `GET *`: only
 * `OPTIONS *` may be asterisk-form) and a path whose percent-encoding is broken.
 */
export function checkPath(path: string, method: string): string {
  if (path.charCodeAt(0) !== 47 && !(path === '*' && method === 'OPTIONS')) {
    throw new HttpError(400, 'The request target must be a path starting with "/"', {
      code: 'WEFT_BAD_REQUEST_TARGET',
    })
  }
  if (path.includes('%')) {
    try {
      decodeURIComponent(path)
    } catch {
      throw new HttpError(400, 'The request path has malformed percent-encoding', { code: 'WEFT_BAD_PATH' })
    }
  }
  return path
}

export function decodeParams(params: Record<string, string>): Record<string, string> {
  for (const name in params) {
    const value = params[name]
    if (value.includes('%')) params[name] = decodeURIComponent(value)
  }
  return params
}
