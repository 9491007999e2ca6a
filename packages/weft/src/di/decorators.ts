// Controllers with standard (TC39) decorators: no `experimentalDecorators`, no
// reflect-metadata. Method decorators file each method's routes under the method itself;
// `@controller` (which runs after them) collects what its prototype's methods carry.
import type { RouteOptions } from '../http/types.js'
import { DiError } from './errors.js'
import { setClassScope } from './provider.js'
import type { Injectable, Scope } from './types.js'

export interface ControllerRoute {
  method: string
  path: string
  options: RouteOptions | undefined
  /** The method's name on the controller. */
  property: string | symbol
}

export interface ControllerSpec {
  prefix: string
  routes: ControllerRoute[]
}

const methodRoutes = new WeakMap<Function, Omit<ControllerRoute, 'property'>[]>()
const controllers = new WeakMap<Function, ControllerSpec>()

/** The routes `@controller` found on a class, or undefined when it is not one. */
export function controllerSpec(target: Function): ControllerSpec | undefined {
  return controllers.get(target)
}

/**
 * Marks a class as a controller whose decorated methods are routes under `prefix`.
 * @example @controller('/users') class Users { @get('/:id') show(ctx: Context) {} }
 */
export function controller(prefix = '/', options: { scope?: Scope } = {}) {
  return <C extends Injectable<any>>(target: C, context: ClassDecoratorContext<C>): void => {
    if (context.kind !== 'class')
      throw new DiError('WEFT_DI_BAD_CONTROLLER', '@controller() decorates classes')
    if (options.scope) setClassScope(target, options.scope)
    controllers.set(target, { prefix, routes: collectRoutes(target.prototype) })
  }
}

/** Sets a class's scope when it is used as a provider: `@injectable({ scope: 'request' })`. */
export function injectable(options: { scope?: Scope } = {}) {
  return <C extends Injectable<any>>(target: C, _context: ClassDecoratorContext<C>): void => {
    if (options.scope) setClassScope(target, options.scope)
  }
}

type MethodDecorator = <This, F extends (this: This, ...args: any[]) => unknown>(
  target: F,
  context: ClassMethodDecoratorContext<This, F>,
) => void

/** A route decorator for any method: `@route('PROPFIND', '/files')`. */
export function route(method: string, path = '/', options?: RouteOptions): MethodDecorator {
  return (target, context) => {
    if (context.static || context.private) {
      throw new DiError(
        'WEFT_DI_BAD_CONTROLLER',
        `@${method.toLowerCase()}('${path}') on ${String(context.name)}: routes are public instance methods`,
      )
    }
    const list = methodRoutes.get(target) ?? []
    list.push({ method: method.toUpperCase(), path, options })
    methodRoutes.set(target, list)
  }
}

const verb =
  (method: string) =>
  (path = '/', options?: RouteOptions): MethodDecorator =>
    route(method, path, options)

export const get = verb('GET')
export const post = verb('POST')
export const put = verb('PUT')
export const patch = verb('PATCH')
/** `@del('/:id')`: `delete` is a reserved word. */
export const del = verb('DELETE')

function collectRoutes(prototype: object): ControllerRoute[] {
  const found: ControllerRoute[] = []
  const seen = new Set<string | symbol>()
  // Own methods first, then inherited ones not overridden: a base controller's routes count.
  for (let proto = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const property of Reflect.ownKeys(proto)) {
      if (property === 'constructor' || seen.has(property)) continue
      seen.add(property)
      const value = Object.getOwnPropertyDescriptor(proto, property)?.value
      const routes = typeof value === 'function' ? methodRoutes.get(value) : undefined
      // Decorators apply bottom-up; reversing gives the order they are written in.
      for (const r of [...(routes ?? [])].reverse()) found.push({ ...r, property })
    }
  }
  return found
}
