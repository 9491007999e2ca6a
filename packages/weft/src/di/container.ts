// The container of one app: builds the module graph, starts singletons in dependency
// order, runs lifecycle hooks, and hands each request its scope.
import type { Weft } from '../http/app.js'
import type { Logger } from '../http/logger.js'
import { checkDeclared } from './analysis.js'
import { DiError } from './errors.js'
import { buildGraph } from './graph.js'
import { destroyAll, initAll } from './lifecycle.js'
import { RequestScope } from './request-scope.js'
import { resolveBinding, resolveKey } from './resolver.js'
import { mountModules } from './routes.js'
import { keyName } from './token.js'
import {
  type Binding,
  type Bootstrap,
  type Graph,
  type Key,
  type Module,
  type Owned,
  type ScopeHook,
  type ScopeOwner,
  State,
} from './types.js'

type Status = 'created' | 'starting' | 'ready' | 'failed' | 'closed'

/** What `weft({ modules })` calls: the graph is checked and routes mounted right away. */
export const bootstrap: Bootstrap<Weft> = (app, modules, overrides) => {
  const graph = buildGraph(modules as readonly Module[], overrides)
  mountModules(app, graph.nodes)
  return new Container(graph, app.logger)
}

export class Container implements ScopeHook, ScopeOwner {
  private status: Status = 'created'
  private starting: Promise<void> | null = null
  private closing: Promise<void> | null = null
  /** Request scopes still disposing: close() waits for them before destroying singletons. */
  private readonly disposing = new Set<Promise<void>>()

  constructor(
    readonly graph: Graph,
    private readonly logger: Logger,
  ) {}

  enter(ctx: object): RequestScope {
    return new RequestScope(this, this.graph.root, ctx)
  }

  get<T>(key: Key<T>): T {
    this.assertReady(key)
    return resolveKey({ binding: null, view: this.graph.root, request: null, parent: null }, key, false) as T
  }

  /** Builds every singleton, then runs `onInit`; once, however often it is called. */
  ready(): Promise<void> {
    return (this.starting ??= this.start())
  }

  /** Waits for request scopes to finish, then runs `onDestroy` in reverse start order. */
  close(): Promise<void> {
    return (this.closing ??= this.stop())
  }

  assertReady(key: Key<any>): void {
    if (this.status === 'ready') return
    const name = keyName(key)
    const why =
      this.status === 'closed'
        ? 'the app was closed'
        : this.status === 'failed'
          ? 'the app failed to start'
          : 'the app has not started: await app.ready() first (serve() and app.request() do it for you)'
    throw new DiError('WEFT_DI_NOT_READY', `Cannot resolve "${name}": ${why}`)
  }

  disposeRequest(owned: readonly Owned[]): void {
    const done = destroyAll(owned, this.logger).finally(() => this.disposing.delete(done))
    this.disposing.add(done)
  }

  private async start(): Promise<void> {
    this.status = 'starting'
    try {
      checkDeclared(this.graph)
      for (const node of this.graph.nodes) {
        for (const binding of node.own.values())
          if (binding.scope === 'singleton') await startSingleton(binding)
      }
      await initAll(this.graph.started, this.logger)
      this.status = 'ready'
    } catch (error) {
      this.status = 'failed'
      throw error
    }
  }

  private async stop(): Promise<void> {
    const started =
      this.starting &&
      (await this.starting.then(
        () => true,
        () => false,
      ))
    this.status = 'closed'
    while (this.disposing.size > 0) await Promise.all(this.disposing)
    // A failed start already destroyed what it had started.
    if (started) await destroyAll(this.graph.started, this.logger)
  }
}

/**
 * Builds a singleton, first awaiting the singletons its factory declares, so a factory
 * may take an async one (a database connection) in its `inject` list.
 */
async function startSingleton(binding: Binding): Promise<void> {
  if (binding.state === State.Built) return
  if (binding.state === State.Pending) return binding.pending!
  for (const key of binding.deps) {
    const dep = binding.owner.view.bindings.get(key)
    if (dep?.scope === 'singleton') await startSingleton(dep)
  }
  resolveBinding({ binding: null, view: binding.owner.view, request: null, parent: null }, binding)
  // Read again: building it may have left it pending on an async factory.
  if ((binding.state as State) === State.Pending) await binding.pending
}
