// The module tree of one app: which providers each module owns, exports and can see.
// Built once per app from the (reusable, immutable) module definitions.

import { CONTEXT, contextBinding } from './context-token.js'
import { DiError } from './errors.js'
import { isMulti, multiBinding, providerKey, toBinding } from './provider.js'
import { injectDependency, resolvePart } from './resolver.js'
import { keyName } from './token.js'
import {
  type Binding,
  BOOTSTRAP,
  type Graph,
  type Key,
  type Module,
  type ModuleNode,
  type Override,
  type View,
} from './types.js'

export function buildGraph(modules: readonly Module[], overrides: readonly Override[]): Graph {
  const graph: Graph = {
    nodes: [],
    root: null as unknown as View,
    providedBy: new Map(),
    started: [],
    context: null,
  }
  const top = modules.map((m) => addNode(graph, m, new Map()))
  for (const override of overrides) applyOverride(graph, override)
  const globals = graph.nodes.filter((n) => n.module.options.global)
  graph.context = contextBinding(graph)
  for (const node of graph.nodes) node.view = viewOf(node, globals)
  const root = new Map<Key<any>, Binding>([[CONTEXT, graph.context]])
  for (const g of globals) mergeAll(root, exportsOf(g, new Set()))
  for (const node of top) {
    mergeAll(root, exportsOf(node, new Set()))
    mergeAll(root, node.own)
  }
  graph.root = { name: 'the app', bindings: root, graph }
  return graph
}

/** Adds a module and (first) its imports; a module imported twice is one node. */
function addNode(graph: Graph, module: Module, seen: Map<Module, ModuleNode>): ModuleNode {
  const existing = graph.nodes.find((n) => n.module === module) ?? seen.get(module)
  if (existing) return existing
  if (!module || !(BOOTSTRAP in module)) {
    throw new DiError(
      'WEFT_DI_BAD_PROVIDER',
      `Expected a module() in modules or imports, got ${String(module)}`,
    )
  }
  const node: ModuleNode = {
    name: module.name,
    module,
    graph,
    imports: [],
    own: new Map(),
    exports: null,
    view: null as unknown as View,
  }
  // Registered before its imports are walked, so an import cycle ends here instead of looping.
  seen.set(module, node)
  for (const imported of module.options.imports ?? []) node.imports.push(addNode(graph, imported, seen))
  addBindings(node)
  graph.nodes.push(node)
  return node
}

function addBindings(node: ModuleNode): void {
  const { providers = [], controllers = [] } = node.module.options
  const byKey = new Map<Key<any>, typeof providers>()
  for (const provider of [...providers, ...controllers]) {
    const key = providerKey(provider)
    byKey.set(key, [...(byKey.get(key) ?? []), provider])
  }
  for (const [key, list] of byKey) {
    const multi = list.filter(isMulti)
    if (multi.length > 0 && multi.length < list.length) {
      throw new DiError(
        'WEFT_DI_BAD_PROVIDER',
        `Module "${node.name}" provides "${keyName(key)}" both with and without multi: true; use one or the other`,
      )
    }
    const bindings = list.map((p) => toBinding(p, node, injectDependency))
    // As in NestJS and Angular, a later provider of the same key replaces an earlier one.
    const binding = multi.length
      ? multiBinding(key, node, bindings, resolvePart)
      : bindings[bindings.length - 1]
    node.own.set(key, binding)
    node.graph.providedBy.set(key, [...(node.graph.providedBy.get(key) ?? []), node])
  }
}

/** Replaces, in place, every binding of the key: views made later see the override. */
function applyOverride(graph: Graph, [key, value]: Override): void {
  const nodes = graph.providedBy.get(key)
  if (!nodes) {
    throw new DiError(
      'WEFT_DI_BAD_OVERRIDE',
      `Cannot override "${keyName(key)}": no module provides it. Overrides replace providers that exist; add it to a module's providers first`,
    )
  }
  for (const node of nodes) {
    const binding = node.own.get(key)!
    Object.assign(binding, { build: () => value, scope: 'singleton', owned: false, deps: [], parts: null })
  }
}

/** What a module gives its importers; an import cycle contributes nothing through the loop. */
function exportsOf(node: ModuleNode, visiting: Set<ModuleNode>): Map<Key<any>, Binding> {
  if (node.exports) return node.exports
  const out = new Map<Key<any>, Binding>()
  if (visiting.has(node)) return out
  visiting.add(node)
  for (const item of node.module.options.exports ?? []) {
    if (typeof item === 'object' && item !== null && BOOTSTRAP in item) {
      const imported = node.imports.find((i) => i.module === item)
      if (!imported)
        throw badExport(node, `re-exports module "${(item as Module).name}" without importing it`)
      mergeAll(out, exportsOf(imported, visiting))
      continue
    }
    const key = item as Key<any>
    const binding = node.own.get(key) ?? importedExport(node, key, visiting)
    if (!binding) {
      throw badExport(
        node,
        `exports "${keyName(key)}" but neither provides it nor imports a module that exports it`,
      )
    }
    merge(out, key, binding)
  }
  node.exports = out
  return out
}

function importedExport(node: ModuleNode, key: Key<any>, visiting: Set<ModuleNode>): Binding | undefined {
  for (const imported of node.imports) {
    const binding = exportsOf(imported, visiting).get(key)
    if (binding) return binding
  }
  return undefined
}

/** Globals' exports, then imports' exports, then the module's own providers (which win). */
function viewOf(node: ModuleNode, globals: ModuleNode[]): View {
  const bindings = new Map<Key<any>, Binding>([[CONTEXT, node.graph.context!]])
  for (const g of globals) if (g !== node) mergeAll(bindings, exportsOf(g, new Set()))
  for (const imported of node.imports) mergeAll(bindings, exportsOf(imported, new Set()))
  mergeAll(bindings, node.own)
  return { name: node.name, bindings, graph: node.graph }
}

function mergeAll(into: Map<Key<any>, Binding>, from: Map<Key<any>, Binding>): void {
  for (const [key, binding] of from) merge(into, key, binding)
}

/** Multi keys seen from several modules collect every module's entries; others: last wins. */
function merge(into: Map<Key<any>, Binding>, key: Key<any>, binding: Binding): void {
  const existing = into.get(key)
  if (existing && existing !== binding && existing.parts && binding.parts) {
    const parts = [...existing.parts, ...binding.parts.filter((p) => !existing.parts!.includes(p))]
    into.set(key, multiBinding(key, existing.owner, parts, resolvePart))
    return
  }
  into.set(key, binding)
}

function badExport(node: ModuleNode, what: string): DiError {
  return new DiError('WEFT_DI_BAD_EXPORT', `Module "${node.name}" ${what}. Fix its exports or imports`)
}
