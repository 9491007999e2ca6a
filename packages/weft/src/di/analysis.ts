// The dry part of start-up validation: dependencies declared up front (a factory's
// `inject: [...]`, an alias's target) are checked for cycles, missing providers and scope
// mistakes before anything is built. Dependencies found by `inject()` in constructors are
// checked as the singletons are built, right after.
import { DiError, formatChain } from './errors.js'
import { keyName } from './token.js'
import type { Binding, Graph } from './types.js'

/** Lifetimes, longest first: a provider may depend only on ones at least as long. */
const LIFETIME = { singleton: 2, request: 1, transient: 0 } as const

export function checkDeclared(graph: Graph): void {
  const done = new Set<Binding>()
  for (const node of graph.nodes) for (const binding of node.own.values()) visit(binding, [], done)
}

function visit(binding: Binding, path: Binding[], done: Set<Binding>): void {
  if (done.has(binding)) return
  const at = path.indexOf(binding)
  if (at !== -1) {
    const loop = [...path.slice(at), binding].map((b) => b.name)
    throw new DiError(
      'WEFT_DI_CYCLE',
      `Dependency cycle: ${formatChain(loop)}. Break it: move the shared part into a third provider, or inject a factory and call it later`,
    )
  }
  path.push(binding)
  for (const key of binding.deps) {
    const dep = binding.owner.view.bindings.get(key)
    if (!dep) {
      throw new DiError(
        'WEFT_DI_MISSING_PROVIDER',
        `"${binding.name}" in module "${binding.owner.name}" declares a dependency on "${keyName(key)}", which module "${binding.owner.name}" cannot see. Provide it there, or import a module that exports it`,
      )
    }
    checkLifetime(binding, dep, path)
    visit(dep, path, done)
  }
  path.pop()
  done.add(binding)
}

function checkLifetime(binding: Binding, dep: Binding, path: Binding[]): void {
  // A transient takes the lifetime of whoever holds it, so only fixed lifetimes are compared.
  if (binding.scope === 'transient' || dep.scope === 'transient') return
  if (LIFETIME[dep.scope] >= LIFETIME[binding.scope]) return
  throw new DiError(
    'WEFT_DI_SCOPE',
    `Singleton "${binding.name}" depends on request-scoped "${dep.name}" (${formatChain([...path.map((b) => b.name), dep.name])}); a singleton outlives every request. Make "${binding.name}" request-scoped too, or resolve "${dep.name}" per request with ctx.get()`,
  )
}
