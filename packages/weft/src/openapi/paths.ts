// How route paths read in OpenAPI: templates, path parameters and derived operation ids.

/** `/users/:id` -> `/users/{id}`; `/files/*path` -> `/files/{path}`; a bare `*` becomes `{wildcard}`. */
export function toTemplate(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
  return trimmed
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return `{${segment.slice(1)}}`
      if (segment.startsWith('*')) return `{${wildcardName(segment)}}`
      return segment
    })
    .join('/')
}

/** Path parameter names in order, as the OpenAPI template names them. */
export function pathParams(path: string): { name: string; wildcard: boolean; key: string }[] {
  return path
    .split('/')
    .filter((segment) => segment.startsWith(':') || segment.startsWith('*'))
    .map((segment) =>
      segment.startsWith(':')
        ? { name: segment.slice(1), wildcard: false, key: segment.slice(1) }
        : { name: wildcardName(segment), wildcard: true, key: segment.slice(1) || '*' },
    )
}

function wildcardName(segment: string): string {
  return segment.slice(1) || 'wildcard'
}

/** `GET /users/:id/posts` -> `getUsersByIdPosts`; `GET /` -> `getRoot`. */
export function deriveOperationId(method: string, path: string): string {
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      if (segment.startsWith(':')) return `By${pascal(segment.slice(1))}`
      if (segment.startsWith('*')) return `By${pascal(wildcardName(segment))}`
      return pascal(segment)
    })
  return method.toLowerCase() + (parts.join('') || 'Root')
}

export function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('')
}
