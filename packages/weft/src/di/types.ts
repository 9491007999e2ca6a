// The types of weftjs/di in one place: modules and their options, what the core's scope
// hook asks of it (http/scope.ts), the module graph, bindings and resolution frames.
// Nothing here runs.
import type { Weft } from '../http/app.js'
import type { Middleware } from '../http/compose.js'
import type { Context } from '../http/context.js'
import type { RouteType } from '../http/route-types.js'
import type { Key, ModuleLike, RequestScope as RequestInjector } from '../http/scope.js'

export type {
  Bootstrap,
  Key,
  ModuleLike,
  Override,
  RequestScope as RequestInjector,
  ScopeHook,
} from '../http/scope.js'
export { BOOTSTRAP } from '../http/scope.js'

/** A class whose instances a provider makes; abstract classes work as keys too. */
export type Class<T = unknown> = abstract new (...args: any[]) => T

/** singleton: one per app (default); request: one per request; transient: one per injection. */
export type Scope = 'singleton' | 'request' | 'transient'

// Providers as users write them.

/** A class the container can build: no constructor parameters, it calls `inject()` instead. */
export type Injectable<T = unknown> = new () => T

interface Multi {
  /** Contributes one entry to an array: every `multi` provider of the key is collected. */
  multi?: boolean
}
export interface ClassProvider<T = any> extends Multi {
  provide: Key<T>
  useClass: Injectable<T>
  scope?: Scope
}
export interface ValueProvider<T = any> extends Multi {
  provide: Key<T>
  useValue: T
}
export interface FactoryProvider<T = any> extends Multi {
  provide: Key<T>
  /** Called with the values of `inject`; may also call `inject()` itself. Async only for singletons. */
  useFactory: (...deps: any[]) => T | Promise<T>
  inject?: readonly Key<any>[]
  scope?: Scope
}
export interface ExistingProvider<T = any> extends Multi {
  provide: Key<T>
  /** An alias: resolves to whatever provides this key. */
  useExisting: Key<T>
}

export type Provider = Injectable<any> | ClassProvider | ValueProvider | FactoryProvider | ExistingProvider

/** Where a singleton is in its life: a plain number, compared on every `ctx.get()`. */
export const State = { Unbuilt: 0, Building: 1, Pending: 2, Built: 3 } as const
export type State = (typeof State)[keyof typeof State]

/** A provider inside the container: how to build it, and (for singletons) its value. */
export interface Binding {
  readonly key: Key<any>
  readonly name: string
  readonly owner: ModuleNode
  scope: Scope
  /** Builds a new value; the resolver runs it inside an injection context. */
  build: () => unknown
  /** Keys declared up front (a factory's `inject`), checked for cycles before anything is built. */
  readonly deps: readonly Key<any>[]
  /** Whether the container owns the value and so runs its lifecycle hooks. */
  owned: boolean
  /** For a multi key: the bindings whose values make up the array. */
  parts: Binding[] | null
  state: State
  value: unknown
  pending: Promise<void> | null
}

/** What one module (or the app itself) can resolve, each key to its binding. */
export interface View {
  /** The module's name, or "the app" for the root. */
  readonly name: string
  readonly bindings: Map<Key<any>, Binding>
  readonly graph: Graph
}

export interface ModuleNode {
  readonly name: string
  readonly module: Module
  readonly graph: Graph
  readonly imports: ModuleNode[]
  readonly own: Map<Key<any>, Binding>
  exports: Map<Key<any>, Binding> | null
  view: View
}

/** What a request's scope asks of the app's container (container.ts). */
export interface ScopeOwner {
  /** Throws unless the app has started and not closed. */
  assertReady(key: Key<any>): void
  /** A fresh scope for another request-like unit. */
  enter(ctx: object): RequestInjector
  /** Disposes a request's instances, which close() then waits for. */
  disposeRequest(owned: readonly Owned[]): void
}

/** An instance the container made and so must dispose: app-level or per request. */
export interface Owned {
  readonly binding: Binding
  readonly value: unknown
}

export interface Graph {
  /** Every module once, imports before their importers: the order singletons start in. */
  readonly nodes: ModuleNode[]
  root: View
  /** Which modules provide a key, for the "provided by X but not visible" message. */
  readonly providedBy: Map<Key<any>, ModuleNode[]>
  /** App-level instances in the order they were built: `onInit` order, reversed for `onDestroy`. */
  readonly started: Owned[]
  /** The request-scoped binding of CONTEXT, seen by every module. */
  context: Binding | null
}

/** A request's instances, and everything owned it built, in order, for disposal. */
export interface RequestStore {
  readonly instances: Map<Binding, unknown>
  readonly owned: Owned[]
  /** The request's Context, for `inject(CONTEXT)`. */
  readonly ctx: object
}

/** Who is being built, in which module, for which request: one link of the chain. */
export interface Frame {
  /** null for the first link: `ctx.get()`, `app.get()` or the start-up. */
  readonly binding: Binding | null
  readonly view: View
  /** Where this request's instances live; null outside a request (and for singletons). */
  readonly request: RequestStore | null
  readonly parent: Frame | null
}

/** What `module()` takes. */
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
