import { untrusted } from '../shared/untrusted.js'
import { bodyKind, checkCharset, DEFAULT_JSON_DEPTH, excerpt, parseBytes, parseFormText } from './body.js'
import { Cookies } from './cookies.js'
import { HttpError } from './errors.js'
import { checkHeader } from './header-check.js'
import { type MultipartOptions, parseMultipart } from './multipart.js'
import type { RenderOptions, ViewRenderer } from './render.js'
import { ResponseState, setBody } from './response.js'
import type { JsonReply } from './route-types.js'
import type { Key, RequestScope } from './scope.js'
import type { BodyKind, Input } from './types.js'

export interface HeadMeasure {
  count: number
  size: number
}

/**
 * Everything a middleware or handler gets: the request, typed from the route, and the
 * response being built. Adapters subclass it to reach their runtime's request lazily,
 * so nothing is parsed or allocated until a handler asks for it.
 */
export abstract class Context<I extends Input<any, any, any, any> = Input> {
  /** Path params, typed from the route's path (or its `params` schema). */
  params: I['params'] = {} as I['params']
  /** The request body: validated when the route has a body schema, else set by `parseBody()`. */
  body: I['body'] = undefined as I['body']
  /** The error a handler threw, for middleware that runs after `await next()`. */
  error: unknown = undefined
  readonly res = new ResponseState()
  /** Largest body `parseBody()` reads; the route's limit, else the app's. */
  bodyLimit: number
  /** Deepest nesting `parseBody()` accepts in JSON; the app's `limits.bodyDepth`. */
  bodyDepth = DEFAULT_JSON_DEPTH
  /** This request's scope, entered by the app's scope hook (weftjs/di): what `ctx.get()` resolves from. */
  scope: RequestScope | undefined = undefined
  /** Set by an app with `views`: what `ctx.render()` renders with. */
  views: ViewRenderer | undefined = undefined

  private stateValues: Record<string, unknown> | undefined
  private queryValues: I['query'] | undefined
  private headerValues: I['headers'] | undefined
  private cookieJar: Cookies | undefined
  private bytesRead: Promise<Uint8Array> | undefined
  private webRequest: Request | undefined
  private multipartRead: Promise<Record<string, unknown>> | undefined

  constructor(
    readonly method: string,
    /** The path as sent, still percent-encoded, without the query string. */
    readonly path: string,
    /** The query string without its `?`. */
    readonly search: string,
    bodyLimit: number,
  ) {
    this.bodyLimit = bodyLimit
  }

  /**
   * A provider of the app's modules: a singleton, or this request's instance of a
   * request-scoped one. @example const users = ctx.get(UserService)
   */
  get<T>(key: Key<T>): T {
    if (this.scope === undefined) {
      throw new Error(
        'WEFT_NO_MODULES: ctx.get(X) resolves providers of modules; create the app with weft({ modules })',
      )
    }
    return this.scope.get(key)
  }

  /** Adapters call it once, when the response is sent or the client has gone: ends the request's scope. */
  finish(): void {
    this.scope?.end()
  }

  /**
   * The request head as far as this adapter measures it, for the app's head limits: the
   * header count and the head's size in bytes (0 for a bound the runtime enforces itself).
   * null when the runtime enforces both.
   */
  abstract head(): HeadMeasure | null

  /** Whether the request came over TLS; decides the Secure cookie default. */
  abstract get secure(): boolean
  /** One request header, or undefined. `name` is lower case. */
  abstract headerValue(name: string): string | undefined
  protected abstract allHeaders(): Record<string, string>
  protected abstract readBytes(limit: number): Promise<Uint8Array>
  /** A Web Request for this request; `body` replaces the original when it was already read. */
  protected abstract toRequest(body: ReadableStream<Uint8Array> | undefined): Request

  /** Per-request values for middleware to hand to handlers; created on first use. */
  get state(): Record<string, unknown> {
    return (this.stateValues ??= {})
  }

  set state(value: Record<string, unknown>) {
    this.stateValues = value
  }

  /** Query values, parsed on first use; repeated keys become arrays. */
  get query(): I['query'] {
    return (this.queryValues ??= parseFormText(this.search) as I['query'])
  }

  set query(value: I['query']) {
    this.queryValues = value
  }

  /** Request headers as an object with lower-case names (or the `headers` schema's output). */
  get headers(): I['headers'] {
    return (this.headerValues ??= markDollarKeys(this.allHeaders()) as I['headers'])
  }

  set headers(value: I['headers']) {
    this.headerValues = value
  }

  /** The full request URL, built on first use. */
  get url(): URL {
    const host = this.headerValue('host') ?? 'localhost'
    return new URL(
      `${this.secure ? 'https' : 'http'}://${host}${this.path}${this.search ? `?${this.search}` : ''}`,
    )
  }

  /** The standard Request, built only when asked for. */
  get req(): Request {
    // When the body was read first (by validation, say), the Request gets those bytes.
    return (this.webRequest ??= this.toRequest(this.bytesRead && streamOf(this.bytesRead)))
  }

  get cookies(): Cookies {
    return (this.cookieJar ??= new Cookies(
      () => this.headerValue('cookie'),
      (value) => this.header('set-cookie', value, { append: true }),
      this.secure,
    ))
  }

  /**
   * Sets a response header. A name that is not a token, or a value that is not an
   * RFC 9110 field-value (CR, LF, NUL, other controls, characters above U+00FF), is
   * refused with a 500 (`WEFT_HEADER_INJECTION`), so no header can be injected.
   */
  header(name: string, value: string | number, options: { append?: boolean } = {}): this {
    const text = String(value)
    checkHeader(name, text)
    const key = name.toLowerCase()
    const headers = this.res.headers
    if (options.append || key === 'set-cookie') {
      const existing = headers[key]
      headers[key] =
        existing === undefined ? [text] : Array.isArray(existing) ? [...existing, text] : [existing, text]
    } else {
      headers[key] = text
    }
    return this
  }

  status(code: number): this {
    if (!Number.isInteger(code) || code < 100 || code > 999) throw new RangeError(`WEFT_BAD_STATUS: ${code}`)
    this.res.status = code
    return this
  }

  /** Answers with JSON; return its result from the handler. */
  json<T, Status extends number = 200>(data: T, status?: Status): JsonReply<T, Status> {
    if (status) this.status(status)
    setBody(this.res, JSON.stringify(data), 'application/json; charset=utf-8')
    this.res.data = data
    return this.res
  }

  text(text: string, status?: number): ResponseState {
    if (status) this.status(status)
    setBody(this.res, text, 'text/plain; charset=utf-8')
    return this.res
  }

  html(html: string, status?: number): ResponseState {
    if (status) this.status(status)
    setBody(this.res, html, 'text/html; charset=utf-8')
    return this.res
  }

  redirect(location: string, status = 302): ResponseState {
    this.header('location', location)
    this.status(status)
    setBody(this.res, null, 'text/plain; charset=utf-8')
    return this.res
  }

  /**
   * Answers with the HTML of a template; `ctx.state` is in the data too, so middleware can
   * hand values (a CSRF token, the user) to every page.
   * @example return ctx.render('tasks/list', { tasks }, { layout: 'layouts/main' })
   */
  async render(
    name: string,
    data: Record<string, unknown> = {},
    options: RenderOptions = {},
  ): Promise<ResponseState> {
    if (!this.views) {
      throw new Error(
        'WEFT_VIEWS_NOT_CONFIGURED: ctx.render() needs the templates folder: weft({ views: { dir } })',
      )
    }
    const html = await this.views.render(name, { ...this.stateValues, ...data }, options)
    return this.html(html, options.status)
  }

  /** The raw body bytes, read once within the body limit (413 past it). */
  bytes(): Promise<Uint8Array> {
    return (this.bytesRead ??= this.readBytes(this.bodyLimit))
  }

  /**
   * Reads and parses the body by its content type: JSON, urlencoded or multipart form,
   * text or bytes. `accepts` narrows the types taken; any other answers 415. Multipart
   * files stream to `multipart.storage` (memory by default) within its limits (413 past them).
   * @example const form = await ctx.parseBody({ accepts: ['multipart'], multipart: { maxFileSize: 5e6 } })
   */
  parseBody(options?: readonly BodyKind[] | ParseBodyOptions): Promise<I['body']> {
    // Not an async function: it would add a promise and ticks to every validated request.
    try {
      const { accepts, multipart } = Array.isArray(options)
        ? { accepts: options as readonly BodyKind[], multipart: undefined }
        : ((options ?? {}) as ParseBodyOptions)
      const contentType = this.headerValue('content-type')
      const kind = bodyKind(contentType)
      if (kind === null) {
        return this.bytes().then((bytes) => {
          if (bytes.byteLength > 0) throw unsupportedType(contentType, accepts)
          return (this.body = undefined as I['body'])
        })
      }
      if (accepts && !accepts.includes(kind)) throw unsupportedType(contentType, accepts)
      if (kind === 'multipart') {
        // Streamed, not buffered: read once, however many times it is asked for.
        this.multipartRead ??= this.bytesRead
          ? Promise.reject(new Error('WEFT_BODY_ALREADY_READ: the multipart body was read as bytes first'))
          : parseMultipart(this.req.body, contentType!, this.bodyLimit, multipart)
        return this.multipartRead.then((form) => (this.body = form as I['body']))
      }
      if (kind !== 'bytes') checkCharset(contentType!)
      return this.bytes().then((bytes) => (this.body = parseBytes(bytes, kind, this.bodyDepth) as I['body']))
    } catch (error) {
      return Promise.reject(error)
    }
  }
}

/** What `ctx.parseBody()` takes: the accepted kinds, and multipart limits and storage. */
export interface ParseBodyOptions {
  accepts?: readonly BodyKind[]
  multipart?: MultipartOptions
}

/** Header names may start with "$": such an object is marked, as query strings and forms are. */
function markDollarKeys<T extends object>(value: T): T {
  for (const key in value) if (key.charCodeAt(0) === 36) return untrusted(value)
  return value
}

function streamOf(bytes: Promise<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async pull(controller) {
      controller.enqueue(await bytes)
      controller.close()
    },
  })
}

function unsupportedType(contentType: string | undefined, accepts?: readonly BodyKind[]): HttpError {
  const expected = accepts?.join(', ') ?? 'a known content type'
  return new HttpError(
    415,
    `Unsupported content type ${contentType ? excerpt(contentType) : '(none)'}; this route takes ${expected}`,
    {
      code: 'WEFT_UNSUPPORTED_MEDIA_TYPE',
    },
  )
}
