import { normalizePath } from './path.js'

/**
 * A segment tree router. Fully static paths are answered from one Map lookup; the rest
 * walk the tree, preferring a static segment over a parameter over a wildcard, and
 * backtracking when a branch dead-ends (so `/users/new` and `/users/:id` coexist).
 */

interface Leaf<T> {
  value: T
  /** Parameter names in path order; a route keeps its own because siblings may name them differently. */
  names: string[]
}

class Node<T> {
  statics: Map<string, Node<T>> | null = null
  param: Node<T> | null = null
  wildcard: Map<string, Leaf<T>> | null = null
  leaves: Map<string, Leaf<T>> | null = null
}

export interface RouteMatch<T> {
  value: T
  params: Record<string, string>
}

/** Any method: a route registered with `all()`. */
export const ANY_METHOD = '*'

export class Router<T> {
  private readonly root = new Node<T>()
  private readonly statics = new Map<string, Map<string, T>>()
  /** Every method some route answers: what `OPTIONS *` lists. */
  private readonly methods = new Set<string>()

  add(method: string, path: string, value: T): void {
    const pattern = normalizePath(path)
    this.methods.add(method)
    if (!pattern.includes(':') && !pattern.includes('*')) {
      let byMethod = this.statics.get(pattern)
      if (!byMethod) this.statics.set(pattern, (byMethod = new Map()))
      if (byMethod.has(method)) throw duplicateRoute(method, path)
      byMethod.set(method, value)
    }
    this.insert(method, pattern, value)
  }

  /**
   * The route for a method and a raw (still percent-encoded) path, or null. On a miss,
   * `allowed` (when given) receives the methods other routes answer on this path, found in
   * the same walk: a 404 or 405 costs one pass over the tree, not two.
   */
  find(method: string, path: string, allowed?: Set<string>): RouteMatch<T> | null {
    // `*` (OPTIONS *) and anything else not starting with "/" is no route's path; `*`
    // allows every method some route answers.
    if (path.charCodeAt(0) !== 47) {
      if (path === '*' && allowed) for (const name of this.methods) allowed.add(name)
      return null
    }
    const normal = normalizePath(path)
    const byMethod = this.statics.get(normal)
    if (byMethod) {
      const value = pickMethod(byMethod, method)
      if (value !== undefined) return { value, params: {} }
    }
    const values: string[] = []
    const leaf = walk(this.root, normal, 1, values, method, allowed)
    if (!leaf) return null
    const params: Record<string, string> = {}
    for (let i = 0; i < leaf.names.length; i++) params[leaf.names[i]] = values[i]
    return { value: leaf.value, params }
  }

  private insert(method: string, pattern: string, value: T): void {
    const names: string[] = []
    let node = this.root
    const segments = pattern === '/' ? [] : pattern.slice(1).split('/')
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]
      if (segment.startsWith('*')) {
        if (i !== segments.length - 1)
          throw new Error(`WEFT_BAD_ROUTE: a wildcard must end the path: ${pattern}`)
        names.push(segment.slice(1) || '*')
        if (!node.wildcard) node.wildcard = new Map()
        return setLeaf(node.wildcard, method, { value, names }, pattern)
      }
      if (segment.startsWith(':')) {
        const name = segment.slice(1)
        if (!/^[A-Za-z_$][\w$]*$/.test(name))
          throw new Error(`WEFT_BAD_ROUTE: bad parameter name "${name}" in ${pattern}`)
        names.push(name)
        node = node.param ??= new Node()
      } else {
        if (!node.statics) node.statics = new Map()
        let child = node.statics.get(segment)
        if (!child) node.statics.set(segment, (child = new Node()))
        node = child
      }
    }
    if (!node.leaves) node.leaves = new Map()
    setLeaf(node.leaves, method, { value, names }, pattern)
  }
}

/**
 * Finds the leaf for `method`, preferring static over param over wildcard and backtracking.
 * A failed walk has visited every branch that matches the path, so the methods of the leaves
 * it passed over are exactly what the path allows (collected only when `allowed` is given).
 */
function walk<T>(
  node: Node<T>,
  path: string,
  start: number,
  values: string[],
  method: string,
  allowed: Set<string> | undefined,
): Leaf<T> | null {
  if (start >= path.length) {
    const leaf = node.leaves && pickMethod(node.leaves, method)
    if (leaf) return leaf
    // `/files/*` also answers `/files`, with an empty wildcard.
    const wild = node.wildcard && pickMethod(node.wildcard, method)
    if (wild) values.push('')
    else if (allowed) {
      if (node.leaves) for (const name of node.leaves.keys()) allowed.add(name)
      if (node.wildcard) for (const name of node.wildcard.keys()) allowed.add(name)
    }
    return wild ?? null
  }
  let end = path.indexOf('/', start)
  if (end === -1) end = path.length
  const segment = path.slice(start, end)
  const child = node.statics?.get(segment)
  if (child) {
    const leaf = walk(child, path, end + 1, values, method, allowed)
    if (leaf) return leaf
  }
  if (node.param && segment !== '') {
    values.push(segment)
    const leaf = walk(node.param, path, end + 1, values, method, allowed)
    if (leaf) return leaf
    values.pop()
  }
  const wild = node.wildcard && pickMethod(node.wildcard, method)
  if (wild) {
    values.push(path.slice(start))
    return wild
  }
  if (allowed && node.wildcard) for (const name of node.wildcard.keys()) allowed.add(name)
  return null
}

function pickMethod<V>(byMethod: Map<string, V>, method: string): V | undefined {
  return (
    byMethod.get(method) ?? (method === 'HEAD' ? byMethod.get('GET') : undefined) ?? byMethod.get(ANY_METHOD)
  )
}

function setLeaf<T>(leaves: Map<string, Leaf<T>>, method: string, leaf: Leaf<T>, pattern: string): void {
  if (leaves.has(method)) throw duplicateRoute(method, pattern)
  leaves.set(method, leaf)
}

function duplicateRoute(method: string, path: string): Error {
  return new Error(`WEFT_DUPLICATE_ROUTE: ${method} ${path} is registered twice; remove one of them`)
}
