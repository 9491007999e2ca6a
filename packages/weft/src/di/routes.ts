// A module's routes: mounted on the app under the module's prefix, wrapped by its
// middleware, and resolving `ctx.get()` through the module's own view.
import { Weft } from '../http/app.js'
import type { Context } from '../http/context.js'
import type { AnyHandler } from '../http/route.js'
import { controllerSpec } from './decorators.js'
import { DiError } from './errors.js'
import type { ModuleNode, View } from './graph.js'
import { RequestScope } from './request-scope.js'

/**
 * The `r` a module's `routes` receives: an app like any other, except that every
 * handler and middleware given to it first points `ctx.get()` at the module's view.
 */
export class ModuleRouter extends Weft {
  constructor(private readonly moduleView: () => View) {
    super({ logger: false })
  }

  override on(method: string | string[], path: string, ...rest: unknown[]): this {
    const args = rest.map((item) => (typeof item === 'function' ? this.enter(item as AnyHandler) : item))
    return (Weft.prototype.on as (...all: unknown[]) => this).call(this, method, path, ...args)
  }

  override use(first: any, second?: any): this {
    if (typeof first === 'function') return super.use(this.enter(first))
    return super.use(first, typeof second === 'function' ? this.enter(second) : second)
  }

  private enter(fn: AnyHandler): AnyHandler {
    const view = this.moduleView
    return (ctx, next) => {
      const injector = ctx.injector
      if (injector instanceof RequestScope) injector.view = view()
      return fn(ctx, next)
    }
  }
}

/** Mounts each module that has routes, controllers or middleware, once, at its prefix. */
export function mountModules(app: Weft, nodes: readonly ModuleNode[]): void {
  for (const node of nodes) {
    const { routes, controllers = [], middleware = [], prefix = '/' } = node.module.options
    if (!routes && controllers.length === 0) continue
    const router = new ModuleRouter(() => node.view)
    for (const m of middleware) router.use(m)
    for (const controller of controllers) addController(router, node, controller)
    routes?.(router)
    app.route(prefix, router)
  }
}

function addController(router: ModuleRouter, node: ModuleNode, controller: Function): void {
  const spec = controllerSpec(controller)
  if (!spec) {
    throw new DiError(
      'WEFT_DI_BAD_CONTROLLER',
      `${controller.name} is in the controllers of module "${node.name}" but has no @controller() decorator. Decorate it, or declare its routes with routes: (r) => ... instead`,
    )
  }
  for (const r of spec.routes) {
    const path = joinPath(spec.prefix, r.path)
    const key = controller as new () => Record<string | symbol, (ctx: Context<any>) => unknown>
    // Resolved per request, so a request-scoped controller gets a new instance each time.
    const handler = (ctx: Context<any>) => ctx.get(key)[r.property](ctx)
    if (r.options) router.on(r.method, path, r.options, handler)
    else router.on(r.method, path, handler)
  }
}

function joinPath(prefix: string, path: string): string {
  const head = prefix === '/' ? '' : prefix.replace(/\/$/, '')
  const tail = path === '/' ? '' : path
  return `${head}${tail}` || '/'
}
