// Lifecycle hooks: `onInit` once everything is built, in dependency order (dependencies
// finish building first, so build order is that order); `onDestroy` in reverse.
import type { Logger } from '../http/logger.js'
import { DiError } from './errors.js'
import type { Owned } from './types.js'

/** Implement to run (async) work after construction, before the server takes traffic. */
export interface OnInit {
  onInit(): unknown
}

/** Implement to release resources on `server.close()` (or at the end of a request). */
export interface OnDestroy {
  onDestroy(): unknown
}

/** Runs every `onInit` in order; on failure, destroys those already started and throws. */
export async function initAll(owned: readonly Owned[], logger: Logger): Promise<void> {
  for (let i = 0; i < owned.length; i++) {
    const { binding, value } = owned[i]
    const onInit = (value as Partial<OnInit> | null)?.onInit
    if (typeof onInit !== 'function') continue
    try {
      await onInit.call(value)
    } catch (error) {
      await destroyAll(owned.slice(0, i), logger)
      const reason = error instanceof Error ? error.message : String(error)
      throw new DiError(
        'WEFT_DI_INIT_FAILED',
        `${binding.name}.onInit() in module "${binding.owner.name}" failed, so the app did not start: ${reason}`,
        { cause: error },
      )
    }
  }
}

/**
 * Runs `onDestroy`, then `[Symbol.asyncDispose]` or `[Symbol.dispose]`, on each value in
 * reverse order. A failure is logged and the rest still run: shutdown must finish.
 */
export async function destroyAll(owned: readonly Owned[], logger: Logger): Promise<void> {
  for (let i = owned.length - 1; i >= 0; i--) {
    const { binding, value } = owned[i]
    try {
      await destroy(value)
    } catch (error) {
      logger.error(
        { err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) },
        `onDestroy of ${binding.name} in module "${binding.owner.name}" failed`,
      )
    }
  }
}

async function destroy(value: unknown): Promise<void> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return
  const target = value as Partial<OnDestroy> & Record<symbol, unknown>
  if (typeof target.onDestroy === 'function') await target.onDestroy()
  const dispose = target[Symbol.asyncDispose] ?? target[Symbol.dispose]
  if (typeof dispose === 'function') await dispose.call(target)
}
