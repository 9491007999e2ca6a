// Resolution: finds a key's binding in a module's view and builds it in its scope, with
// an injection context set while it is built, so `inject()` knows who is asking.
import { DiError, formatChain } from './errors.js'
import { buildingFrame, whileBuilding } from './injection-context.js'
import { keyName } from './token.js'
import { type Binding, type Frame, type Key, type RequestStore, State } from './types.js'

export interface InjectOptions {
  /** Resolve to undefined when no provider is visible, instead of failing. */
  optional?: boolean
}

/**
 * The value of a provider, from inside a provider's constructor, field initialiser or
 * factory. No decorators or metadata: the container sets the context while it builds.
 * @example class UserService { private db = inject(Database) }
 */
export function inject<T>(key: Key<T>, options?: InjectOptions & { optional?: false }): T
export function inject<T>(key: Key<T>, options: InjectOptions & { optional: true }): T | undefined
export function inject<T>(key: Key<T>, options?: InjectOptions): T | undefined {
  const frame = buildingFrame()
  if (frame === null) {
    const name = keyName(key)
    throw new DiError(
      'WEFT_DI_NO_CONTEXT',
      `inject(${name}) was called outside a provider being built. Call it in a constructor, a field initialiser or a factory; in a handler use ctx.get(${name}), elsewhere app.get(${name})`,
    )
  }
  return resolveKey(frame, key, options?.optional === true) as T | undefined
}

/** `inject()` for a factory's declared dependencies. */
export function injectDependency(key: Key<any>): unknown {
  return inject(key)
}

/** The Context of the request a request-scoped provider is being built for. */
export function currentRequestContext(): unknown {
  return buildingFrame()!.request!.ctx
}

/** Builds one entry of a multi key inside the current context. */
export function resolvePart(binding: Binding): unknown {
  return resolveBinding(buildingFrame()!, binding)
}

export function resolveKey(frame: Frame, key: Key<any>, optional: boolean): unknown {
  const binding = frame.view.bindings.get(key)
  if (binding === undefined) {
    if (optional) return undefined
    throw missing(frame, key)
  }
  return resolveBinding(frame, binding)
}

export function resolveBinding(frame: Frame, binding: Binding): unknown {
  if (binding.state === State.Built) return binding.value
  if (binding.scope === 'singleton') return buildSingleton(frame, binding)
  if (binding.scope === 'request') return buildForRequest(frame, binding)
  return buildOwned(frame, binding, frame.request)
}

function buildSingleton(frame: Frame, binding: Binding): unknown {
  if (binding.state === State.Building) throw cycle(frame, binding)
  if (binding.state === State.Pending) throw stillStarting(frame, binding)
  binding.state = State.Building
  let value: unknown
  try {
    // A singleton never sees a request, whoever asks for it first.
    value = run(frame, binding, null)
  } catch (error) {
    binding.state = State.Unbuilt
    throw error
  }
  if (value instanceof Promise) {
    binding.state = State.Pending
    const pending = value.then(
      (resolved) => {
        finishSingleton(binding, resolved)
      },
      (error) => {
        binding.state = State.Unbuilt
        throw error
      },
    )
    binding.pending = pending
    // Awaited by the start-up; this only keeps an early failure from being "unhandled".
    pending.catch(() => {})
    // Only the start-up may wait for it; anyone else asked too early.
    if (frame.binding !== null) throw stillStarting(frame, binding)
    return undefined
  }
  return finishSingleton(binding, value)
}

function finishSingleton(binding: Binding, value: unknown): unknown {
  binding.value = value
  binding.state = State.Built
  if (binding.owned) binding.owner.graph.started.push({ binding, value })
  return value
}

function buildForRequest(frame: Frame, binding: Binding): unknown {
  const request = frame.request
  if (request === null) throw outsideRequest(frame, binding)
  const instances = request.instances
  const found = instances.get(binding)
  if (found !== undefined || instances.has(binding)) return found
  const value = buildOwned(frame, binding, request)
  instances.set(binding, value)
  return value
}

/** Builds a new request-scoped or transient value, owned by the request or the app. */
function buildOwned(frame: Frame, binding: Binding, request: RequestStore | null): unknown {
  if (inChain(frame, binding)) throw cycle(frame, binding)
  const value = run(frame, binding, request)
  if (value instanceof Promise && binding.owned) {
    throw new DiError(
      'WEFT_DI_ASYNC_FACTORY',
      `"${binding.name}" in module "${binding.owner.name}" is ${binding.scope}-scoped but its factory is async. Only singletons may start asynchronously (they are awaited at start-up); make it a singleton, or return a value and do async work in its methods`,
    )
  }
  if (binding.owned) (request?.owned ?? binding.owner.graph.started).push({ binding, value })
  return value
}

/** Runs a binding's build with the injection context pointing at it. */
function run(frame: Frame, binding: Binding, request: RequestStore | null): unknown {
  return whileBuilding({ binding, view: binding.owner.view, request, parent: frame }, binding.build)
}

function inChain(frame: Frame | null, binding: Binding): boolean {
  for (; frame !== null; frame = frame.parent) if (frame.binding === binding) return true
  return false
}

/** The names from the first provider built down to `frame`'s. */
function chainOf(frame: Frame | null): Binding[] {
  const chain: Binding[] = []
  for (; frame !== null; frame = frame.parent) if (frame.binding) chain.unshift(frame.binding)
  return chain
}

function cycle(frame: Frame, binding: Binding): DiError {
  const chain = chainOf(frame)
  const loop = chain.slice(chain.indexOf(binding)).map((b) => b.name)
  return new DiError(
    'WEFT_DI_CYCLE',
    `Dependency cycle: ${formatChain([...loop, binding.name])}. Break it: move the shared part into a third provider, or have one side inject a factory and call it later`,
  )
}

function missing(frame: Frame, key: Key<any>): DiError {
  const name = keyName(key)
  const chain = chainOf(frame).map((b) => b.name)
  const root = frame.view.name === 'the app'
  const where = root ? 'the app' : `module "${frame.view.name}"`
  const asker = chain.length
    ? `"${chain[chain.length - 1]}" in ${where}`
    : root
      ? 'the app'
      : `a route of ${where}`
  const path = chain.length > 1 ? ` (${formatChain([...chain, name])})` : ''
  const providers = frame.view.graph.providedBy.get(key)
  if (providers) {
    const owners = providers.map((n) => `"${n.name}"`).join(', ')
    const fix = root
      ? `Export "${name}" from ${owners} and list that module in weft({ modules }) (the app sees what its modules provide and export)`
      : `Add "${name}" to the exports of ${owners} and import it in ${where}`
    return new DiError(
      'WEFT_DI_NOT_VISIBLE',
      `${asker} asked for "${name}"${path}, which module ${owners} provides but ${where} cannot see. ${fix}`,
    )
  }
  return new DiError(
    'WEFT_DI_MISSING_PROVIDER',
    `${asker} asked for "${name}"${path}, but no module provides it. Add it to the providers of ${where === 'the app' ? 'a module of the app' : where} or of a module it imports (and export it there)`,
  )
}

function outsideRequest(frame: Frame, binding: Binding): DiError {
  const chain = chainOf(frame)
  if (chain.length === 0) {
    return new DiError(
      'WEFT_DI_SCOPE',
      `"${binding.name}" is request-scoped: there is one per request, so resolve it in a handler with ctx.get(${binding.name})`,
    )
  }
  const singleton = [...chain].reverse().find((b) => b.scope === 'singleton') ?? chain[0]
  return new DiError(
    'WEFT_DI_SCOPE',
    `Singleton "${singleton.name}" depends on request-scoped "${binding.name}" (${formatChain([...chain.map((b) => b.name), binding.name])}); a singleton outlives every request. Make "${singleton.name}" request-scoped too, or resolve "${binding.name}" per request with ctx.get() in the handler`,
  )
}

function stillStarting(frame: Frame, binding: Binding): DiError {
  const chain = chainOf(frame).map((b) => b.name)
  return new DiError(
    'WEFT_DI_ASYNC_NOT_READY',
    `"${binding.name}" starts asynchronously and was not ready when ${formatChain([...chain, binding.name])} asked for it. List "${binding.name}" before its users in providers, move it to an imported module, or name it in the factory's inject: [...] so start-up awaits it first`,
  )
}
