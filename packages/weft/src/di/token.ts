import type { Key } from './types.js'

/**
 * A key for a provider that is not a class: a config object, an interface, a function.
 * `T` is only a type: `inject(DB_URL)` is typed `string` for `token<string>('DB_URL')`.
 */
export class Token<T> {
  /** Never set: carries `T` so `inject()` and `ctx.get()` can infer it. */
  declare readonly __type?: T

  constructor(readonly name: string) {}

  toString(): string {
    return `token(${this.name})`
  }
}

/** @example const DB_URL = token<string>('DB_URL') */
export function token<T>(name: string): Token<T> {
  return new Token<T>(name)
}

/** How messages name a key: the class name, or the token's name. */
export function keyName(key: Key<any>): string {
  if (key instanceof Token) return key.name
  if (typeof key === 'function') return key.name || '(anonymous class)'
  return String(key)
}

export function isKey(value: unknown): value is Key<any> {
  return value instanceof Token || typeof value === 'function'
}
