/** Calls the next layer of the onion; resolves once every inner layer has finished. */
export type Next = () => Promise<void>

export type Middleware<C> = (ctx: C, next: Next) => unknown

/**
 * Koa's onion: each middleware runs until `await next()`, the inner layers run, then
 * the rest of it runs on the way out. `last` is the innermost layer (the route's handler).
 */
export function compose<C>(
  middleware: readonly Middleware<C>[],
): (ctx: C, last?: Middleware<C>) => Promise<void> {
  return (ctx, last) => {
    let called = -1
    const dispatch = (i: number): Promise<void> => {
      if (i <= called)
        return Promise.reject(new Error('WEFT_NEXT_TWICE: next() called more than once in one middleware'))
      called = i
      const fn = i < middleware.length ? middleware[i] : last
      if (!fn) return Promise.resolve()
      try {
        // The middleware's own promise is passed on as is: wrapping it in another
        // .then() would cost a promise and a microtask per layer.
        return Promise.resolve(fn(ctx, () => dispatch(i + 1))) as Promise<void>
      } catch (error) {
        return Promise.reject(error)
      }
    }
    return dispatch(0)
  }
}
