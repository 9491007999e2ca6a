// The one place where a plug-in joins the request lifecycle. weftjs/di implements it; the
// core only calls it, so an app without modules loads nothing of DI, and the core imports
// nothing from di/ (docs/architecture.md).
import type { RouteType } from './route-types.js'

/** A key a provider is found by: a class (abstract ones too) or a token. */
export type Key<T = unknown> = (abstract new (...args: any[]) => T) | KeyToken<T>

/** What `token<T>(name)` of weftjs/di makes; `T` is only a type. */
export interface KeyToken<T> {
  readonly name: string
  readonly __type?: T
}

/** One request's scope: what `ctx.get()` resolves from. */
export interface RequestScope {
  get<T>(key: Key<T>): T
  /** Called once, when the response is sent or the client has gone: disposes the request's instances. */
  end(): void
  /** A fresh scope from the same app for another request-like unit (a realtime call); end() it too. */
  fork?(ctx: object): RequestScope
}

/** What the app calls on its plug-in: start-up, shutdown, and one scope per request. */
export interface ScopeHook {
  /** A fresh scope for one request, entered before routing. */
  enter(ctx: object): RequestScope
  /** A singleton (or a new transient) for `app.get(X)`. */
  get<T>(key: Key<T>): T
  /** Resolves once started; the first request waits for it, later ones do not. */
  ready(): Promise<void>
  close(): Promise<void>
}

/** `[key, value]`: the value replaces the provider of `key` wherever it is declared. */
export type Override = readonly [Key<any>, unknown]

/**
 * Builds the scope hook for an app from its modules (and mounts their routes on it).
 * `App` is the app's class (`Bootstrap<Weft>` in weftjs/di), a parameter so that this
 * file, which app.ts imports, does not import app.ts back.
 */
export type Bootstrap<App = any> = (
  app: App,
  modules: readonly ModuleLike[],
  overrides: readonly Override[],
) => ScopeHook

/** How a module tells the app how to plug it in: weftjs/di's `module()` carries it. */
export const BOOTSTRAP: unique symbol = Symbol.for('weft.di.bootstrap')

/** What `weft({ modules })` takes: a `module()` from weftjs/di. */
export interface ModuleLike {
  readonly [BOOTSTRAP]: Bootstrap
}

/** The routes a list of modules adds to an app (type only), for `client<typeof app>()`. */
export type ModuleRoutes<Modules extends readonly ModuleLike[]> = Modules[number] extends infer Each
  ? Each extends { readonly '~routes'?: infer Routes extends RouteType }
    ? Routes
    : never
  : never
