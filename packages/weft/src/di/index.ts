// weftjs/di: modules, providers and injection without decorator metadata.

export { CONTEXT } from './context-token.js'
export {
  type ControllerRoute,
  controller,
  del,
  get,
  injectable,
  patch,
  post,
  put,
  route,
} from './decorators.js'
export { DiError, type DiErrorCode } from './errors.js'
export type { OnDestroy, OnInit } from './lifecycle.js'
export { module } from './module.js'
export { type InjectOptions, inject } from './resolver.js'
export { Token, token } from './token.js'
export type {
  Class,
  ClassProvider,
  ExistingProvider,
  FactoryProvider,
  Injectable,
  Key,
  Module,
  ModuleOptions,
  Override,
  Provider,
  Scope,
  ValueProvider,
} from './types.js'
