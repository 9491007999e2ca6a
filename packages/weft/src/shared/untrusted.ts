/**
 * Marks on values that came from a request. `weftjs/data` refuses query operators inside a
 * marked value, so `find({ name: body.name })` with a body of `{"name":{"$ne":null}}` is
 * refused. Kept on a global symbol so two copies of weft still share one registry.
 */
const marks: WeakSet<object> = ((globalThis as Record<symbol, unknown>)[Symbol.for('weft.untrusted')] ??=
  new WeakSet<object>()) as WeakSet<object>

/**
 * Marks a value, and every object inside it, as user input. Returns it. The walk uses
 * its own stack rather than recursion, so no nesting depth can overflow the call stack.
 */
export function untrusted<T>(value: T): T {
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const item = pending.pop()
    if (typeof item !== 'object' || item === null || marks.has(item)) continue
    marks.add(item)
    for (const member of Object.values(item)) if (typeof member === 'object') pending.push(member)
  }
  return value
}

export function isUntrusted(value: unknown): boolean {
  return typeof value === 'object' && value !== null && marks.has(value)
}
