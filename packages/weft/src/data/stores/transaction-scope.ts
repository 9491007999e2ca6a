// Which transaction an operation belongs to, carried across `await` by AsyncLocalStorage.
// On Node before its async context frames (the default from Node 24), an
// AsyncLocalStorage that has run once makes the process call a hook on every promise it
// creates, for good: one index made at startup (a transaction) cost every later
// PostgreSQL find a tenth of its client time. So the storage is turned off again
// whenever no transaction is open. Bun and Deno carry the context their own way, and
// keep it on.

import { AsyncLocalStorage } from 'node:async_hooks'

const turnsOff = !('Bun' in globalThis) && !('Deno' in globalThis)

export class TransactionScope<T> {
  readonly #storage = new AsyncLocalStorage<T>()
  #open = 0

  /** The transaction the caller runs in, if any. */
  get current(): T | undefined {
    return this.#storage.getStore()
  }

  /** Runs `fn` in `transaction`: whatever it awaits sees it as `current`. */
  async run<R>(transaction: T, fn: () => Promise<R>): Promise<R> {
    this.#open++
    try {
      return await this.#storage.run(transaction, fn)
    } finally {
      if (--this.#open === 0 && turnsOff) this.#storage.disable()
    }
  }
}
