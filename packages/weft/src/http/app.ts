import { needPackage } from '../shared/peers.js'
import type { Middleware, Next } from './compose.js'
import { compose } from './compose.js'
import type { Context } from './context.js'
import { errorHeaders, errorStatus, toProblem } from './errors.js'
import { DEFAULT_LIMITS, headLimitError, type Limits } from './limits.js'
import { consoleLogger, errorFields, type Logger, silentLogger } from './logger.js'
import { checkPath, coversPath, decodeParams, joinPath, normalizePath } from './path.js'
import type { ViewRenderer, ViewsOptions } from './render.js'
import { setBody, setResult } from './response.js'
import { type AnyHandler, type CompiledRoute, compileRoute } from './route.js'
import type { Prefixed, RouteOf, RouteType } from './route-types.js'
import { ANY_METHOD, Router } from './router.js'
import {
  BOOTSTRAP,
  type Key,
  type ModuleLike,
  type ModuleRoutes,
  type Override,
  type ScopeHook,
} from './scope.js'
import type { InputOf, RouteOptions } from './types.js'
import { unmatchedError } from './unmatched.js'
import { upgradeHandler, type WebSocketHandlers, type WebSocketRoute, WS_PACKAGE } from './websocket.js'

export interface WeftOptions {
  /** Body size, header count and size, timeouts: all on by default (see Limits). */
  limits?: Partial<Limits>
  /** pino or anything of its shape; `false` logs nothing. Default: JSON lines on stderr. */
  logger?: Logger | false
  /**
   * Development: error answers carry messages and stacks, responses are checked against
   * their schemas. Default: off, unless NODE_ENV is 'development' (asked for explicitly:
   * an app started without NODE_ENV, as in most containers and on Deno and Bun, hides them).
   */
  dev?: boolean
  /** Check answers against routes' `response` schemas. Default: on in development only. */
  validateResponses?: boolean
  /** Templates for `ctx.render()`: `{ dir, engine, layout }` (see weftjs/views); Eta by default. */
  views?: ViewsOptions
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
  /** The weftjs/di module that declared the route; undefined for routes on the app itself. */
  module?: string
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
  module: string | undefined
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
  /**
   * The name of the weftjs/di module whose routes this sub-app holds (weftjs/di sets it when
   * it mounts a module): `routeList()` reports it, `weft routes` prints it.
   */
  moduleName: string | undefined = undefined
  /** `weft({ views })`, for the views loader the package entry installs. */
  readonly viewsOptions: ViewsOptions | undefined
  /** What `ctx.render()` renders with; set by that loader. */
  views: ViewRenderer | undefined = undefined
  /** The per-request scope hook (weftjs/di plugs in here), or null for an app without modules. */
  private readonly scopeHook: ScopeHook | null
  /** False until the scope hook has started: the first requests wait for it, once. */
  private started: boolean
  private compiled: {
    router: Router<CompiledRoute>
    notFound: (ctx: Context<any>, allowed: string[]) => void | Promise<void>
  } | null = null
  /** Where a miss leaves the methods the path allows; reused, as `find` runs synchronously. */
  private readonly missed = new Set<string>()

  constructor(options: WeftOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits }
    this.logger = options.logger === false ? silentLogger : (options.logger ?? consoleLogger)
    this.dev = options.dev ?? isDevelopment()
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
    this.viewsOptions = options.views
    const modules = options.modules ?? []
    this.scopeHook = modules.length ? modules[0][BOOTSTRAP](this, modules, options.override ?? []) : null
    this.started = this.scopeHook === null
    for (const extend of extensions) extend(this)
  }

  /**
   * Adds members to every app made from now on. The package entry ('weftjs') gives each
   * app the Fetch adapter's `fetch` and `request` this way: runtimes look for `fetch` as
   * an own property of a default export, and the core knows only `handle(ctx)`.
   */
  static extend(extension: (app: Weft<any>) => void): void {
    extensions.push(extension)
  }

  /**
   * Resolves once the modules have started (singletons built, `onInit` run). `serve()`
   * awaits it; under `export default app` the first request does.
   */
  ready(): Promise<void> {
    if (!this.scopeHook) return Promise.resolve()
    return this.scopeHook.ready().then(() => {
      this.started = true
    })
  }

  /** Runs the modules' `onDestroy` hooks in reverse start order; `server.close()` calls it. */
  close(): Promise<void> {
    return this.scopeHook ? this.scopeHook.close() : Promise.resolve()
  }

  private resolve<T>(key: Key<T>): T {
    if (!this.scopeHook) {
      throw new Error(
        'WEFT_NO_MODULES: app.get(X) resolves providers of modules; create the app with weft({ modules })',
      )
    }
    return this.scopeHook.get(key)
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
   * Adds a WebSocket route: the app's middleware and `upgrade(ctx)` run on the upgrade
   * request, then the adapter of the runtime takes the socket over (docs/protocol.md).
   * @example app.ws('/echo', { message: (socket, text) => socket.send(text) })
   */
  ws<Path extends string, Data = undefined>(
    path: Path,
    handlers: WebSocketHandlers<Data, Context<InputOf<Path>>>,
  ): this {
    const upgrade = upgradeHandler(handlers)
    this.ownWebSockets.push(upgrade.route)
    needPackage(WS_PACKAGE)
    return this.on('GET', path, { hidden: true }, upgrade)
  }

  /** The WebSocket routes of this app and its mounts: adapters load their support only when there are some. */
  webSocketRoutes(): WebSocketRoute[] {
    return [...this.ownWebSockets, ...this.mounts.flatMap((mount) => mount.app.webSocketRoutes())]
  }

  private readonly ownWebSockets: WebSocketRoute[] = []

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

  /**
   * Where Bun's default-export server (`bun app.ts` with `export default app`) listens:
   * 127.0.0.1 unless set. `serve()` takes its own `hostname` option; `deno serve`, its `--host`.
   */
  declare hostname: string

  /** Answers a Web Request: what `export default app`, `deno serve` and Bun call (adapters/fetch). */
  declare readonly fetch: (request: Request) => Promise<Response>

  /**
   * Sends a request through the app in-process, no socket: for tests (adapters/fetch).
   * @example const res = await app.request('/users/1')
   */
  declare request: (input: string | URL | Request, init?: RequestInit) => Promise<Response>

  /**
   * The request lifecycle, from "request arrived" to "response decided": waits for
   * start-up (the first requests only), enters the request's scope, checks the head
   * limits, routes, runs the route's chain and answers any error, leaving the answer in
   * `ctx.res`. Adapters translate the request in before and the response out after (then
   * call `ctx.finish()`); it never throws or rejects. Synchronous when the route is.
   */
  handle(ctx: Context<any>): void | Promise<void> {
    if (!this.started) {
      return this.ready().then(
        () => this.handle(ctx),
        (error) => this.answerError(ctx, error),
      )
    }
    const compiled = this.compiled ?? this.compile()
    if (this.scopeHook) ctx.scope = this.scopeHook.enter(ctx)
    if (this.views) ctx.views = this.views
    ctx.bodyDepth = this.limits.bodyDepth
    let route: CompiledRoute
    try {
      const head = ctx.head()
      if (head) {
        const refused = headLimitError(head, this.limits)
        if (refused) return this.answerError(ctx, refused)
      }
      const path = checkPath(ctx.path, ctx.method)
      const missed = this.missed
      if (missed.size > 0) missed.clear()
      const match = compiled.router.find(ctx.method, path, missed)
      if (!match) return compiled.notFound(ctx, [...missed])
      route = match.value
      ctx.params = decodeParams(match.params)
      ctx.bodyLimit = route.bodyLimit
    } catch (error) {
      return this.answerError(ctx, error)
    }
    return route.run(ctx)
  }

  /**
   * Every route with its full path and options, sub-apps included: what OpenAPI
   * (`app.openapi()`, added by weftjs/docs) and `weft routes` read.
   */
  routeList(): RouteInfo[] {
    return this.flatten('', [], undefined).map(({ method, path, options, module }) =>
      module === undefined ? { method, path, options } : { method, path, options, module },
    )
  }

  private compile(): NonNullable<Weft['compiled']> {
    const router = new Router<CompiledRoute>()
    const onError = (ctx: Context<any>, error: unknown) => this.answerError(ctx, error)
    for (const route of this.flatten('', [], undefined)) {
      const handler = route.handlers[route.handlers.length - 1]
      const middleware = [...route.middleware, ...route.handlers.slice(0, -1)]
      const bodyLimit = route.options.bodyLimit ?? this.limits.bodySize
      router.add(
        route.method,
        route.path,
        compileRoute(middleware, handler, route.options, bodyLimit, onError, this.validateResponses),
      )
    }
    // Like a handler's error, the 404 becomes a response in place, for middleware to see.
    const unmatched = (ctx: Context<any>, allowed: string[]) => {
      const error = unmatchedError(ctx, allowed)
      if (error) return this.answerError(ctx, error)
    }
    const chain = this.middleware.length > 0 ? compose(this.middleware.map(scopedAtRuntime)) : null
    const notFound = chain
      ? (ctx: Context<any>, allowed: string[]) =>
          chain(ctx, (c) => unmatched(c, allowed)).catch((error) => this.answerError(ctx, error))
      : unmatched
    this.compiled = { router, notFound }
    return this.compiled
  }

  /** Routes of this app and its mounts, each with the middleware that wraps it. */
  private flatten(prefix: string, inherited: AnyHandler[], parentModule: string | undefined): FlatRoute[] {
    const module = this.moduleName ?? parentModule
    const own = (path: string) => [
      ...inherited,
      ...this.middleware.filter((m) => coversPath(m.prefix, path)).map((m) => m.middleware),
    ]
    const routes = this.routes.map((route) => {
      const path = joinPath(prefix, route.path)
      return { ...route, path, middleware: own(route.path), module }
    })
    for (const mount of this.mounts) {
      routes.push(...mount.app.flatten(joinPath(prefix, mount.prefix), own(mount.prefix), module))
    }
    return routes
  }

  /** Answers with the error response for `error`: the app's onError, else problem+json. */
  private answerError(ctx: Context<any>, error: unknown): void | Promise<void> {
    ctx.error = error
    const status = errorStatus(error)
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
    // Deleting a key sends the record to V8's slow dictionary mode: only when it is there.
    if (headers['content-type'] !== undefined) delete headers['content-type']
    if (headers['content-length'] !== undefined) delete headers['content-length']
    const extra = errorHeaders(error)
    for (const name in extra) headers[name.toLowerCase()] = extra[name]
    ctx.res.status = problem.status
    setBody(ctx.res, JSON.stringify(problem), 'application/problem+json')
  }
}

const extensions: ((app: Weft<any>) => void)[] = []

/** Creates an app; the routes of its modules are in its type, as chained routes are. */
export function weft<const Modules extends readonly ModuleLike[] = []>(
  options?: WeftOptions & { modules?: Modules },
): Weft<ModuleRoutes<Modules>> {
  return new Weft(options)
}

function scopedAtRuntime(entry: MiddlewareEntry): AnyHandler {
  if (entry.prefix === null) return entry.middleware
  const { prefix, middleware } = entry
  return (ctx, next) => (coversPath(prefix, ctx.path) ? middleware(ctx, next) : next())
}

function isDevelopment(): boolean {
  try {
    return (
      (globalThis as { process?: { env?: Record<string, string> } }).process?.env?.NODE_ENV === 'development'
    )
  } catch {
    // Deno without --allow-env throws here: assume production, the safer side.
    return false
  }
}
