// The one seam between the HTTP core and weftjs/di. The core imports only these types and
// the BOOTSTRAP symbol, so an app without modules never loads the container.
import type { Weft } from '../http/app.js'
import type { RouteType } from '../http/route-types.js'
import type { Token } from './token.js'

/** A class whose instances a provider makes; abstract classes work as keys too. */
export type Class<T = unknown> = abstract new (...args: any[]) => T

/** What a provider is keyed by: a class or a `token<T>(name)`. */
export type Key<T = unknown> = Class<T> | Token<T>

/** What `ctx.get()` asks: one per request, created by the app when it has modules. */
export interface RequestInjector {
  get<T>(key: Key<T>): T
  /** Called once the response is sent: disposes this request's instances. */
  end(): void
}

/** The app's container, as the core sees it. */
export interface AppContainer {
  /** A fresh request scope for one request; `inject(CONTEXT)` gives `ctx` to its providers. */
  enter(ctx: object): RequestInjector
  /** A singleton (or a new transient) from the root module view. */
  get<T>(key: Key<T>): T
  ready(): Promise<void>
  close(): Promise<void>
}

/** `[key, value]`: the value replaces the provider of `key` wherever it is declared. */
export type Override = readonly [Key<any>, unknown]

/** Builds the container for an app's modules and mounts their routes on it. */
export type Bootstrap = (
  app: Weft,
  modules: readonly ModuleLike[],
  overrides: readonly Override[],
) => AppContainer

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
