import { resolveKey } from './resolver.js'
import {
  type Key,
  type Owned,
  type RequestInjector,
  type RequestStore,
  type ScopeOwner,
  State,
  type View,
} from './types.js'

/**
 * One request's injector: what `ctx.get()` calls. Request-scoped instances are made on
 * first use, so a request that needs none allocates nothing more than this object.
 */
export class RequestScope implements RequestInjector, RequestStore {
  /** The module whose routes are running: a module route sets it before its handlers. */
  view: View
  private store: Map<any, unknown> | null = null
  private built: Owned[] | null = null

  constructor(
    private readonly container: ScopeOwner,
    view: View,
    readonly ctx: object,
  ) {
    this.view = view
  }

  get instances(): Map<any, unknown> {
    return (this.store ??= new Map())
  }

  get owned(): Owned[] {
    return (this.built ??= [])
  }

  get<T>(key: Key<T>): T {
    const binding = this.view.bindings.get(key)
    // The hot path: a started singleton is a map lookup away.
    if (binding !== undefined && binding.state === State.Built) return binding.value as T
    this.container.assertReady(key)
    return resolveKey({ binding: null, view: this.view, request: this, parent: null }, key, false) as T
  }

  fork(ctx: object): RequestScope {
    return this.container.enter(ctx) as RequestScope
  }

  end(): void {
    if (this.built !== null && this.built.length > 0) this.container.disposeRequest(this.built)
  }
}
