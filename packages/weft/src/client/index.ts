// weftjs/client: the typed HTTP client. Web APIs only, so it runs in browsers, Node, Deno and Bun.
import type { ProblemDocument } from '../http/errors.js'
import type { Client, RoutesOf } from './types.js'

export type { CallOptions, Client, PathsFor, ResponseOf, RouteAt, RoutesOf, SuccessBody } from './types.js'

export interface ClientOptions {
  /** Defaults to the global fetch; pass one to add auth, retries, or `app.request` in tests. */
  fetch?: (request: Request) => Promise<Response>
  /** Sent with every request. */
  headers?: Record<string, string>
}

/** A non-2xx answer: carries the status and the problem+json body the server sent. */
export class ClientError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDocument,
    readonly response: Response,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`)
    this.name = 'ClientError'
  }
}

interface CallInput {
  params?: Record<string, unknown>
  query?: Record<string, unknown>
  body?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal
}

/**
 * A client typed from the server's routes.
 * @example
 * const api = client<typeof app>('http://localhost:3000')
 * const user = await api.get('/users/:id', { params: { id: '1' } })
 */
export function client<App>(baseUrl: string, options: ClientOptions = {}): Client<RoutesOf<App>> {
  const send = options.fetch ?? ((request: Request) => fetch(request))
  const base = baseUrl.replace(/\/+$/, '')
  const call =
    (method: string) =>
    async (path: string, input: CallInput = {}) => {
      const url = base + fillPath(path, input.params ?? {}) + queryString(input.query)
      const headers = new Headers(options.headers)
      for (const [name, value] of Object.entries(input.headers ?? {})) headers.set(name, value)
      let body: string | undefined
      if (input.body !== undefined) {
        headers.set('content-type', 'application/json')
        body = JSON.stringify(input.body)
      }
      const response = await send(new Request(url, { method, headers, body, signal: input.signal }))
      if (!response.ok) throw new ClientError(response.status, await readProblem(response), response)
      return readBody(response)
    }
  return {
    get: call('GET'),
    post: call('POST'),
    put: call('PUT'),
    patch: call('PATCH'),
    delete: call('DELETE'),
  } as Client<RoutesOf<App>>
}

/** `/users/:id` with `{ id: 'a b' }` gives `/users/a%20b`; a wildcard keeps its slashes. */
export function fillPath(path: string, params: Record<string, unknown>): string {
  return path.replace(
    /:([A-Za-z_$][\w$]*)|\*([A-Za-z_$][\w$]*)?/g,
    (whole, name?: string, wildName?: string) => {
      const key = name ?? wildName ?? '*'
      const value = params[key]
      if (value === undefined)
        throw new TypeError(`WEFT_CLIENT_MISSING_PARAM: ${whole} in ${path} needs params.${key}`)
      return name
        ? encodeURIComponent(String(value))
        : String(value).split('/').map(encodeURIComponent).join('/')
    },
  )
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return ''
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined
  const type = response.headers.get('content-type') ?? ''
  if (type.includes('json')) return response.json()
  if (type.startsWith('text/')) return response.text()
  return new Uint8Array(await response.arrayBuffer())
}

async function readProblem(response: Response): Promise<ProblemDocument> {
  const text = await response.text()
  try {
    return JSON.parse(text) as ProblemDocument
  } catch {
    return { type: 'about:blank', title: response.statusText, status: response.status, detail: text }
  }
}

export {
  type ChannelName,
  type ChannelsOf,
  type ConnectionState,
  RealtimeClient,
  type RealtimeClientOptions,
  RealtimeError,
  type Room,
  realtimeClient,
  type WebSocketConstructor,
} from './realtime.js'
