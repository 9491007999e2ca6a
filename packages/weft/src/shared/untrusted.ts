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

/**
 * What one walk of a parsed JSON value finds: a key that starts with `$` (the value is then
 * to be marked), or a key that poisons any object the value is later merged into
 * (`__proto__`, or `constructor` holding a `prototype`), which the caller refuses.
 */
export function inspectParsed(root: object): { dollar: boolean; forbidden?: string } {
  let dollar = false
  const pending: object[] = [root]
  while (pending.length > 0) {
    const value = pending.pop() as Record<string, unknown>
    for (const key of Object.keys(value)) {
      const member = value[key]
      if (key.charCodeAt(0) === 36) dollar = true
      else if (
        key === '__proto__' ||
        (key === 'constructor' &&
          typeof member === 'object' &&
          member !== null &&
          Object.hasOwn(member, 'prototype'))
      ) {
        return { dollar, forbidden: key }
      }
      if (typeof member === 'object' && member !== null) pending.push(member)
    }
  }
  return { dollar }
}

/** Whether a JSON text may hold what `inspectParsed` looks for: most texts skip the walk. */
export function mayNeedInspection(text: string): boolean {
  return (
    text.includes('$') || text.includes('\\u') || text.includes('__proto__') || text.includes('constructor')
  )
}
