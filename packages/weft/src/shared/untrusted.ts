/**
 * Marks on values that came from a request. `weftjs/data` refuses query operators inside a
 * marked value, so `find({ name: body.name })` with a body of `{"name":{"$ne":null}}` is
 * refused. Kept on a global symbol so two copies of weft still share one registry.
 */
const marks: WeakSet<object> = ((globalThis as Record<symbol, unknown>)[Symbol.for('weft.untrusted')] ??=
  new WeakSet<object>()) as WeakSet<object>

/** Marks a value (deeply) as user input. Returns it. */
export function untrusted<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !marks.has(value)) {
    marks.add(value)
    for (const item of Object.values(value)) untrusted(item)
  }
  return value
}

export function isUntrusted(value: unknown): boolean {
  return typeof value === 'object' && value !== null && marks.has(value)
}
