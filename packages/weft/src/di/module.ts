import type { Weft } from '../http/app.js'
import type { Middleware } from '../http/compose.js'
import type { Context } from '../http/context.js'
import type { Prefixed, RouteType } from '../http/route-types.js'
import { bootstrap } from './container.js'
import type { Injectable, Provider } from './types.js'
import { BOOTSTRAP, type Key, type ModuleLike } from './types.js'

export interface ModuleOptions<Prefix extends string = string, Routes extends RouteType = any> {
  /** Names the module in error messages; defaults to its prefix or its first provider. */
  name?: string
  /** Modules whose exports this module may inject. */
  imports?: readonly Module[]
  providers?: readonly Provider[]
  /** What importers may inject: own providers' keys, or imported modules (re-exported whole). */
  exports?: readonly (Key<any> | Module)[]
  /** Exports seen by every module without importing this one (config, logging). */
  global?: boolean
  /** Path prefix of this module's routes and controllers. */
  prefix?: Prefix
  /** Middleware around this module's routes only, in order. */
  middleware?: readonly Middleware<Context>[]
  /**
   * Declares routes: `r` is an app like any other; `ctx.get()` in them sees this module.
   * Return the chain (`(r) => r.get(...).post(...)`) and the typed client sees the routes.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a body of statements returns void, and stays allowed
  routes?: (r: Weft<never>) => Weft<Routes> | void
  /** Classes decorated with `@controller()`; each is a provider of this module too. */
  controllers?: readonly Injectable<any>[]
}

/** The options as the container reads them: `routes` is given whichever router mounts it. */
type MountedOptions = Omit<ModuleOptions, 'routes'> & { routes?: (r: any) => unknown }

/** A module: what `weft({ modules })` and `imports` take. */
export interface Module<Routes extends RouteType = any> extends ModuleLike {
  readonly name: string
  readonly options: Readonly<MountedOptions>
  /** Type only: the routes this module adds to an app, under its prefix. */
  readonly '~routes'?: Routes
}

let unnamed = 0

/**
 * Declares a module: its providers, what it exports, what it imports, and its routes.
 * @example const users = module({ name: 'users', providers: [UserService], exports: [UserService] })
 */
export function module<const Prefix extends string = '/', Routes extends RouteType = never>(
  options: ModuleOptions<Prefix, Routes>,
): Module<Prefixed<Routes, Prefix>> {
  // `options` is kept as given, not copied: an `imports` getter is how two modules import each other.
  return Object.freeze({ name: nameOf(options), options, [BOOTSTRAP]: bootstrap })
}

export function isModule(value: unknown): value is Module {
  return typeof value === 'object' && value !== null && BOOTSTRAP in value && 'options' in value
}

function nameOf(options: ModuleOptions): string {
  if (options.name) return options.name
  if (options.prefix) return options.prefix
  const first = options.providers?.[0] ?? options.controllers?.[0]
  const key = typeof first === 'function' ? first : first?.provide
  const name = typeof key === 'function' ? key.name : key?.name
  return name ? `module(${name})` : `module#${++unnamed}`
}
