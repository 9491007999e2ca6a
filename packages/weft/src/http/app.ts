import { type AppContainer, BOOTSTRAP, type Key, type ModuleLike, type Override } from '../di/seam.js'
import { buildOpenApi, type OpenApiDocument, type OpenApiOptions } from '../schema/openapi.js'
import type { Middleware, Next } from './compose.js'
import { compose } from './compose.js'
import type { Context } from './context.js'
import { clientErrorStatus, HttpError, toProblem } from './errors.js'
import { FetchContext } from './fetch-context.js'
import { DEFAULT_LIMITS, type Limits } from './limits.js'
import { consoleLogger, errorFields, type Logger, silentLogger } from './logger.js'
import { checkPath, coversPath, decodeParams, joinPath, normalizePath } from './path.js'
import { setBody, setResult, toWebResponse } from './response.js'
import { type AnyHandler, type CompiledRoute, compileRoute } from './route.js'
import type { Prefixed, RouteOf, RouteType } from './route-types.js'
import { ANY_METHOD, Router } from './router.js'
import type { InputOf, RouteOptions } from './types.js'
import { answerUnmatched } from './unmatched.js'

export interface WeftOptions {
  /** Body size, header count and size, timeouts: all on by default (see Limits). */
  limits?: Partial<Limits>
  /** pino or anything of its shape; `false` logs nothing. Default: JSON lines on stderr. */
  logger?: Logger | false
  /** Error answers carry messages and stacks. Default: on unless NODE_ENV is 'production'. */
  dev?: boolean
  /** Check answers against routes' `response` schemas. Default: on in development only. */
  validateResponses?: boolean
  /** Modules from `weftjs/di`: their providers, routes and lifecycle hooks join the app. */
  modules?: readonly ModuleLike[]
  /** Replaces providers of the modules, for tests: `override: [[Mailer, fakeMailer]]`. */
  override?: readonly Override[]
}

export type Handler<C extends Context<any> = Context, R = unknown> = (ctx: C, next: Next) => R

/** Handlers of a route: any middleware, then the handler whose result types the response. */
type Handlers<C extends Context<any>, R> = [...Handler<C>[], Handler<C, R>]

/**
 * `app.get(path, [options], ...handlers)` and its siblings: params typed from the path,
 * inputs from the schemas, and the route recorded in the app's type for the typed client.
 */
export interface RouteMethod<Routes extends RouteType, Method extends string> {
  <Path extends string, R>(
    path: Path,
    ...handlers: Handlers<Context<InputOf<Path>>, R>
  ): Weft<Routes | RouteOf<Method, Path, {}, R>>
  <Path extends string, const Options extends RouteOptions, R>(
    path: Path,
    options: Options,
    ...handlers: Handlers<Context<InputOf<Path, Options>>, R>
  ): Weft<Routes | RouteOf<Method, Path, Options, R>>
}

/** `app.get(path, ...)` adds a GET route; `app.get(UserService)` returns a provider of the app's modules. */
export interface GetMethod<Routes extends RouteType> extends RouteMethod<Routes, 'GET'> {
  <T>(key: Key<T>): T
}

/** Turns an error into the response; return a value to answer with it. */
export type ErrorHandler = (error: unknown, ctx: Context) => unknown

export interface RouteInfo {
  method: string
  path: string
  options: RouteOptions
}

interface RouteEntry {
  method: string
  path: string
  options: RouteOptions
  handlers: AnyHandler[]
}

interface MiddlewareEntry {
  prefix: string | null
  middleware: AnyHandler
}

/** A route with everything the app and its parents wrap around it. */
interface FlatRoute extends RouteEntry {
  middleware: AnyHandler[]
}

/**
 * An app. `Routes` records every route registered in a chain (`weft().get(...).post(...)`),
 * which is what `client<typeof app>()` reads.
 */
export class Weft<Routes extends RouteType = any> {
  /** Type-only: the routes this app's chain registered. Nothing is stored. */
  declare readonly '~routes': Routes
  readonly limits: Limits
  readonly logger: Logger
  readonly dev: boolean
  readonly validateResponses: boolean
  readonly get: GetMethod<Routes>
  readonly post: RouteMethod<Routes, 'POST'>
  readonly put: RouteMethod<Routes, 'PUT'>
  readonly patch: RouteMethod<Routes, 'PATCH'>
  readonly delete: RouteMethod<Routes, 'DELETE'>
  readonly head: RouteMethod<Routes, 'HEAD'>
  readonly options: RouteMethod<Routes, 'OPTIONS'>
  readonly all: RouteMethod<Routes, '*'>

  private readonly routes: RouteEntry[] = []
  private readonly middleware: MiddlewareEntry[] = []
  private readonly mounts: { prefix: string; app: Weft<any> }[] = []
  private errorHandler: ErrorHandler | null = null
  /** The modules' container (weftjs/di), or null for an app without modules. */
  private readonly container: AppContainer | null
  private compiled: { router: Router<CompiledRoute>; notFound: (ctx: Context<any>) => Promise<void> } | null =
    null

  constructor(options: WeftOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits }
    this.logger = options.logger === false ? silentLogger : (options.logger ?? consoleLogger)
    this.dev = options.dev ?? !isProduction()
    this.validateResponses = options.validateResponses ?? this.dev
    const on =
      (method: string) =>
      (path: string, ...rest: unknown[]) =>
        this.on(method, path, ...(rest as [any]))
    // A string is a route path; a class or token is a provider to resolve.
    this.get = ((first: unknown, ...rest: unknown[]) =>
      typeof first === 'string'
        ? this.on('GET', first, ...(rest as [any]))
        : this.resolve(first as Key)) as GetMethod<Routes>
    this.post = on('POST') as RouteMethod<Routes, 'POST'>
    this.put = on('PUT') as RouteMethod<Routes, 'PUT'>
    this.patch = on('PATCH') as RouteMethod<Routes, 'PATCH'>
    this.delete = on('DELETE') as RouteMethod<Routes, 'DELETE'>
    this.head = on('HEAD') as RouteMethod<Routes, 'HEAD'>
    this.options = on('OPTIONS') as RouteMethod<Routes, 'OPTIONS'>
    this.all = on(ANY_METHOD) as RouteMethod<Routes, '*'>
    const modules = options.modules ?? []
    this.container = modules.length ? modules[0][BOOTSTRAP](this, modules, options.override ?? []) : null
  }

  /** Resolves once the modules have started (singletons built, `onInit` run); `serve()` awaits it. */
  ready(): Promise<void> {
    return this.container ? this.container.ready() : Promise.resolve()
  }

  /** Runs the modules' `onDestroy` hooks in reverse start order; `server.close()` calls it. */
  close(): Promise<void> {
    return this.container ? this.container.close() : Promise.resolve()
  }

  private resolve<T>(key: Key<T>): T {
    if (!this.container) {
      throw new Error(
        'WEFT_DI_NO_MODULES: app.get(X) resolves providers of modules; create the app with weft({ modules })',
      )
    }
    return this.container.get(key)
  }

  /**
   * Adds a route for one method (or several, or `'*'` for all).
   * @example app.on(['PUT', 'PATCH'], '/users/:id', handler)
   */
  on<Path extends string>(
    method: string | string[],
    path: Path,
    ...handlers: Handler<Context<InputOf<Path>>>[]
  ): this
  on<Path extends string, const Options extends RouteOptions>(
    method: string | string[],
    path: Path,
    options: Options,
    ...handlers: Handler<Context<InputOf<Path, Options>>>[]
  ): this
  on(method: string | string[], path: string, ...rest: unknown[]): this {
    const options = (typeof rest[0] === 'object' && rest[0] !== null ? rest.shift() : {}) as RouteOptions
    const handlers = rest as AnyHandler[]
    if (handlers.length === 0 || handlers.some((h) => typeof h !== 'function')) {
      throw new TypeError(`WEFT_BAD_ROUTE: ${String(method)} ${path} needs at least one handler function`)
    }
    if (!path.startsWith('/'))
      throw new TypeError(`WEFT_BAD_ROUTE: route paths start with "/", got "${path}"`)
    for (const m of Array.isArray(method) ? method : [method]) {
      this.routes.push({ method: m.toUpperCase(), path, options, handlers })
    }
    this.compiled = null
    return this
  }

  /**
   * Adds middleware for every route of this app (and its sub-apps), or for the paths
   * under `prefix`. Order of `use` calls is the order of the onion.
   */
  use(middleware: Middleware<Context>): this
  use(prefix: string, middleware: Middleware<Context>): this
  use(first: string | Middleware<Context>, second?: Middleware<Context>): this {
    const [prefix, middleware] = typeof first === 'string' ? [normalizePath(first), second] : [null, first]
    if (typeof middleware !== 'function') throw new TypeError('WEFT_BAD_MIDDLEWARE: use() takes a function')
    this.middleware.push({ prefix, middleware: middleware as AnyHandler })
    this.compiled = null
    return this
  }

  /** Mounts a sub-app under a prefix; its middleware wraps only its own routes. */
  route<Prefix extends string, Sub extends RouteType>(
    prefix: Prefix,
    app: Weft<Sub>,
  ): Weft<Routes | Prefixed<Sub, Prefix>> {
    if ((app as Weft<any>) === this) throw new Error('WEFT_BAD_MOUNT: an app cannot mount itself')
    this.mounts.push({ prefix: normalizePath(prefix), app })
    this.compiled = null
    return this
  }

  /** Replaces the default problem+json error answer. */
  onError(handler: ErrorHandler): this {
    this.errorHandler = handler
    return this
  }

  /** Answers a Web Request: what `export default app`, `deno serve` and Bun call. */
  fetch = (request: Request): Promise<Response> => {
    const response = this.dispatch(request)
    return response instanceof Promise ? response : Promise.resolve(response)
  }

  /**
   * Answers a Web Request, synchronously when the route ran synchronously: Deno.serve and
   * Bun.serve take a Response as it is, which saves such a request a promise and a tick.
   */
  dispatch(request: Request): Response | Promise<Response> {
    const ctx = new FetchContext(request, this.limits.bodySize)
    const head = request.method === 'HEAD'
    const pending = this.handle(ctx)
    return pending ? pending.then(() => respond(ctx, head)) : respond(ctx, head)
  }

  /**
   * Sends a request through the app in-process, no socket: for tests.
   * @example const res = await app.request('/users/1')
   */
  request(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = input instanceof Request ? input : new Request(new URL(input, 'http://localhost'), init)
    return this.container ? this.ready().then(() => this.fetch(request)) : this.fetch(request)
  }

  /**
   * Runs the request in `ctx` through the matching route and leaves the response in
   * `ctx.res`. Adapters call it; it never throws or rejects.
   */
  handle(ctx: Context<any>): void | Promise<void> {
    const compiled = this.compiled ?? this.compile()
    if (this.container) ctx.injector = this.container.enter(ctx)
    ctx.bodyDepth = this.limits.bodyDepth
    let route: CompiledRoute | undefined
    try {
      const path = checkPath(ctx.path, ctx.method)
      const match = compiled.router.find(ctx.method, path)
      if (match) {
        route = match.value
        ctx.params = decodeParams(match.params)
        ctx.bodyLimit = route.bodyLimit
      }
    } catch (error) {
      return this.answerError(ctx, error)
    }
    const pending = route ? route.run(ctx) : compiled.notFound(ctx)
    if (pending) return pending.catch((error) => this.answerError(ctx, error))
  }

  /** Every route with its full path and options, sub-apps included: what OpenAPI and `weft routes` read. */
  routeList(): RouteInfo[] {
    return this.flatten('', []).map(({ method, path, options }) => ({ method, path, options }))
  }

  /**
   * The OpenAPI 3.1 document for every route not marked `hidden` (see docs/openapi.md).
   * @example app.get('/openapi.json', () => app.openapi({ info: { title: 'Tasks', version: '1.0.0' } }))
   */
  openapi(options: OpenApiOptions): OpenApiDocument {
    return buildOpenApi(this.routeList(), options)
  }

  private compile(): NonNullable<Weft['compiled']> {
    const router = new Router<CompiledRoute>()
    const onError = (ctx: Context<any>, error: unknown) => this.answerError(ctx, error)
    for (const route of this.flatten('', [])) {
      const handler = route.handlers[route.handlers.length - 1]
      const middleware = [...route.middleware, ...route.handlers.slice(0, -1)]
      const bodyLimit = route.options.bodyLimit ?? this.limits.bodySize
      router.add(
        route.method,
        route.path,
        compileRoute(middleware, handler, route.options, bodyLimit, onError, this.validateResponses),
      )
    }
    const chain = compose(this.middleware.map(scopedAtRuntime))
    // Like a handler's error, the 404 becomes a response in place, for middleware to see.
    const unmatched = (ctx: Context<any>) => {
      try {
        answerUnmatched(ctx, router)
      } catch (error) {
        return this.answerError(ctx, error)
      }
    }
    const notFound = (ctx: Context<any>) => chain(ctx, unmatched)
    this.compiled = { router, notFound }
    return this.compiled
  }

  /** Routes of this app and its mounts, each with the middleware that wraps it. */
  private flatten(prefix: string, inherited: AnyHandler[]): FlatRoute[] {
    const own = (path: string) => [
      ...inherited,
      ...this.middleware.filter((m) => coversPath(m.prefix, path)).map((m) => m.middleware),
    ]
    const routes = this.routes.map((route) => {
      const path = joinPath(prefix, route.path)
      return { ...route, path, middleware: own(route.path) }
    })
    for (const mount of this.mounts) {
      routes.push(...mount.app.flatten(joinPath(prefix, mount.prefix), own(mount.prefix)))
    }
    return routes
  }

  /** Answers with the error response for `error`; adapters use it for errors found before routing. */
  answerError(ctx: Context<any>, error: unknown): void | Promise<void> {
    ctx.error = error
    const status = error instanceof HttpError ? error.status : (clientErrorStatus(error) ?? 500)
    if (status >= 500)
      this.logger.error({ err: errorFields(error), method: ctx.method, path: ctx.path }, 'request failed')
    else
      this.logger.debug?.(
        { status, code: (error as { code?: unknown }).code, path: ctx.path },
        'client error',
      )
    if (this.errorHandler) {
      try {
        const result = this.errorHandler(error, ctx)
        if (result instanceof Promise) {
          return result.then(
            (value) => setResult(ctx.res, value),
            (failure) => this.writeProblem(ctx, failure),
          )
        }
        return setResult(ctx.res, result)
      } catch (failure) {
        return this.writeProblem(ctx, failure)
      }
    }
    this.writeProblem(ctx, error)
  }

  private writeProblem(ctx: Context<any>, error: unknown): void {
    const problem = toProblem(error, this.dev)
    const headers = ctx.res.headers
    delete headers['content-type']
    delete headers['content-length']
    if (error instanceof HttpError)
      for (const name in error.headers) headers[name.toLowerCase()] = error.headers[name]
    ctx.res.status = problem.status
    setBody(ctx.res, JSON.stringify(problem), 'application/problem+json')
  }
}

/** Creates an app. */
export function weft(options?: WeftOptions): Weft<never> {
  return new Weft(options)
}

/** The Web Response for `ctx`; the request's DI scope (weftjs/di) ends once it is built. */
function respond(ctx: Context<any>, head: boolean): Response {
  const response = toWebResponse(ctx.res, head)
  ctx.injector?.end()
  return response
}

function scopedAtRuntime(entry: MiddlewareEntry): AnyHandler {
  if (entry.prefix === null) return entry.middleware
  const { prefix, middleware } = entry
  return (ctx, next) => (coversPath(prefix, ctx.path) ? middleware(ctx, next) : next())
}

function isProduction(): boolean {
  try {
    return (
      (globalThis as { process?: { env?: Record<string, string> } }).process?.env?.NODE_ENV === 'production'
    )
  } catch {
    // Deno without --allow-env throws here: assume production, the safer side.
    return true
  }
}
