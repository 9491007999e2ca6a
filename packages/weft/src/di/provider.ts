// How the providers users write (types.ts) become Bindings inside the container.
import { DiError } from './errors.js'
import { isKey, keyName } from './token.js'
import {
  type Binding,
  type Injectable,
  type Key,
  type ModuleNode,
  type Provider,
  type Scope,
  State,
} from './types.js'

const classScopes = new WeakMap<Function, Scope>()

/** Records the scope `@injectable({ scope })` gave a class. */
export function setClassScope(target: Function, scope: Scope): void {
  classScopes.set(target, scope)
}

/** A class's own scope: from `@injectable`, or a `static scope` field. */
function scopeOfClass(target: Function): Scope | undefined {
  return classScopes.get(target) ?? ((target as { scope?: Scope }).scope || undefined)
}

/** The key a provider is registered under. */
export function providerKey(provider: Provider): Key<any> {
  return typeof provider === 'function' ? provider : provider.provide
}

export function isMulti(provider: Provider): boolean {
  return typeof provider !== 'function' && provider.multi === true
}

/** Turns a provider into a binding owned by `owner`; `resolve` builds a dependency in context. */
export function toBinding(
  provider: Provider,
  owner: ModuleNode,
  resolve: (key: Key<any>) => unknown,
): Binding {
  if (typeof provider === 'function') return classBinding(provider, provider, undefined, owner)
  if (!provider || typeof provider !== 'object' || !isKey(provider.provide)) {
    throw new DiError(
      'WEFT_DI_BAD_PROVIDER',
      `Module "${owner.name}" has a provider that is neither a class nor { provide, useClass | useValue | useFactory | useExisting }: ${describe(provider)}`,
    )
  }
  const key = provider.provide
  if ('useClass' in provider) return classBinding(key, provider.useClass, provider.scope, owner)
  if ('useValue' in provider) return binding(key, owner, 'singleton', () => provider.useValue, [], false)
  if ('useFactory' in provider) {
    const deps = provider.inject ?? []
    const factory = provider.useFactory
    const build = () => factory(...deps.map(resolve))
    return binding(key, owner, provider.scope ?? 'singleton', build, deps, true)
  }
  if ('useExisting' in provider) {
    const target = provider.useExisting
    // Transient: the alias holds nothing itself, the target's own scope decides.
    return binding(key, owner, 'transient', () => resolve(target), [target], false)
  }
  throw new DiError(
    'WEFT_DI_BAD_PROVIDER',
    `Provider "${keyName(key)}" in module "${owner.name}" needs one of useClass, useValue, useFactory or useExisting`,
  )
}

/** A binding for a key whose providers are all `multi`: its value is the array of theirs. */
export function multiBinding(
  key: Key<any>,
  owner: ModuleNode,
  parts: Binding[],
  resolvePart: (b: Binding) => unknown,
): Binding {
  // Transient: the array is rebuilt per injection, each entry keeps its own scope.
  const b: Binding = binding(key, owner, 'transient', () => b.parts!.map(resolvePart), [], false)
  b.parts = parts
  return b
}

function classBinding(key: Key<any>, target: unknown, scope: Scope | undefined, owner: ModuleNode): Binding {
  if (typeof target !== 'function') {
    throw new DiError(
      'WEFT_DI_BAD_PROVIDER',
      `Provider "${keyName(key)}" in module "${owner.name}" has a useClass that is not a class`,
    )
  }
  const Target = target as Injectable
  return binding(key, owner, scope ?? scopeOfClass(Target) ?? 'singleton', () => new Target(), [], true)
}

function binding(
  key: Key<any>,
  owner: ModuleNode,
  scope: Scope,
  build: () => unknown,
  deps: readonly Key<any>[],
  owned: boolean,
): Binding {
  return {
    key,
    name: keyName(key),
    owner,
    scope,
    build,
    deps,
    owned,
    parts: null,
    state: State.Unbuilt,
    value: undefined,
    pending: null,
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
