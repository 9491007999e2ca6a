// `module()`: a module's declaration, frozen with the bootstrap that weft({ modules }) calls.
import type { Prefixed, RouteType } from '../http/route-types.js'
import { bootstrap } from './container.js'
import { BOOTSTRAP, type Module, type ModuleOptions } from './types.js'

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

function nameOf(options: ModuleOptions): string {
  if (options.name) return options.name
  if (options.prefix) return options.prefix
  const first = options.providers?.[0] ?? options.controllers?.[0]
  const key = typeof first === 'function' ? first : first?.provide
  const name = typeof key === 'function' ? key.name : key?.name
  return name ? `module(${name})` : `module#${++unnamed}`
}
