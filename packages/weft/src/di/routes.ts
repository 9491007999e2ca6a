// A module's routes: mounted on the app under the module's prefix, wrapped by its
// middleware, and resolving `ctx.get()` through the module's own view.
import { Weft } from '../http/app.js'
import type { Context } from '../http/context.js'
import { joinPath } from '../http/path.js'
import { controllerSpec } from './decorators.js'
import { DiError } from './errors.js'
import { RequestScope } from './request-scope.js'
import type { ModuleNode } from './types.js'

/**
 * The `r` a module's `routes` receives: a sub-app like any other, whose first middleware
 * points `ctx.get()` at the module's view for its routes and middleware, and points it back
 * on the way out, so app middleware after `await next()` resolves from the app again.
 */
function moduleRouter(node: ModuleNode): Weft {
  const router = new Weft({ logger: false })
  router.moduleName = node.name
  router.use(async (ctx, next) => {
    const scope = ctx.scope
    if (!(scope instanceof RequestScope)) return next()
    const previous = scope.view
    scope.view = node.view
    try {
      await next()
    } finally {
      scope.view = previous
    }
  })
  return router
}

/** Mounts each module that has routes, controllers or middleware, once, at its prefix. */
export function mountModules(app: Weft, nodes: readonly ModuleNode[]): void {
  for (const node of nodes) {
    const { routes, controllers = [], middleware = [], prefix = '/' } = node.module.options
    if (!routes && controllers.length === 0) continue
    const router = moduleRouter(node)
    for (const m of middleware) router.use(m)
    for (const controller of controllers) addController(router, node, controller)
    routes?.(router)
    app.route(prefix, router)
  }
}

function addController(router: Weft, node: ModuleNode, controller: Function): void {
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
