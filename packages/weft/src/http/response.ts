/** What a response body may be once a handler's result is serialised. */
export type ResponseBody = string | Uint8Array | ReadableStream<Uint8Array> | null

/**
 * The response being built. Middleware reads and changes it after `await next()`;
 * adapters write it out (Node directly, the others as a Web Response).
 */
export class ResponseState {
  /** 0 until someone sets it: then 200 with a body, 204 without. */
  status = 0
  /**
   * Lower-case names; `set-cookie` holds an array. A plain object, not a prototype-less
   * one: V8 keeps those in slow dictionary mode, and header names are checked tokens.
   */
  headers: Record<string, string | string[]> = {}
  body: ResponseBody = null
  /** The value `ctx.json()` serialised, kept for response-schema checks. */
  data: unknown = undefined
  /** A Response the handler returned as is; headers set on the context are merged into it. */
  response: Response | null = null
}

const TEXT = 'text/plain; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const BYTES = 'application/octet-stream'

/** Serialises a handler's return value: object -> JSON, string -> text, bytes or stream -> octet-stream, Response as is, undefined -> 204. */
export function setResult(res: ResponseState, value: unknown): void {
  if (value === undefined || value === res) return
  if (typeof value === 'string') return setBody(res, value, TEXT)
  if (typeof value === 'object' && value !== null) {
    if (value instanceof Response) {
      res.response = value
      return
    }
    if (value instanceof Uint8Array) return setBody(res, value, BYTES)
    if (value instanceof ArrayBuffer) return setBody(res, new Uint8Array(value), BYTES)
    if (value instanceof ReadableStream) return setBody(res, value as ReadableStream<Uint8Array>, BYTES)
  }
  setBody(res, JSON.stringify(value), JSON_TYPE)
}

export function setBody(res: ResponseState, body: ResponseBody, contentType: string): void {
  res.body = body
  res.response = null
  if (res.headers['content-type'] === undefined) res.headers['content-type'] = contentType
}

export function finalStatus(res: ResponseState): number {
  return res.status || (res.body === null ? 204 : 200)
}

/** Statuses whose answers never carry a body. */
export function isBodiless(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200)
}

/** The response state as a Web Response: how Deno, Bun and `app.fetch` answer. */
export function toWebResponse(res: ResponseState, head: boolean): Response {
  if (res.response) return mergeHeaders(res.response, res.headers)
  const status = finalStatus(res)
  const body = head || isBodiless(status) ? null : res.body
  if (head && typeof res.body === 'string') res.headers['content-length'] = String(utf8Length(res.body))
  return new Response(body as BodyInit | null, { status, headers: headerInit(res.headers) })
}

/**
 * The headers as the Response constructor takes them. The plain record goes as it is:
 * building a Headers and setting each name was a fifth of the time of a small answer on
 * Bun. Only repeated values (set-cookie, appended headers) need a list of pairs.
 */
function headerInit(headers: Record<string, string | string[]>): HeadersInit {
  for (const name in headers) {
    if (Array.isArray(headers[name])) {
      const pairs: [string, string][] = []
      for (const key in headers) {
        const value = headers[key]
        if (Array.isArray(value)) for (const item of value) pairs.push([key, item])
        else pairs.push([key, value])
      }
      return pairs
    }
  }
  return headers as Record<string, string>
}

function mergeHeaders(response: Response, extra: Record<string, string | string[]>): Response {
  const names = Object.keys(extra)
  if (names.length === 0) return response
  // A Response from fetch() has immutable headers: copy it before adding ours.
  const copy = new Response(response.body, response)
  for (const name of names) {
    const value = extra[name]
    if (Array.isArray(value)) for (const item of value) copy.headers.append(name, item)
    else if (!copy.headers.has(name)) copy.headers.set(name, value)
  }
  return copy
}

const encoder = new TextEncoder()

function utf8Length(text: string): number {
  return encoder.encode(text).byteLength
}
