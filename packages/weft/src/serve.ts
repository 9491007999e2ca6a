import type { Runtime, ServeOptions, Server } from './adapters/server.js'
import type { Weft } from './http/app.js'
import type { Logger } from './http/logger.js'
import { checkPackages } from './shared/peers.js'

export type { Runtime, ServeOptions, Server } from './adapters/server.js'

/**
 * Serves an app on the runtime it runs on. Each adapter is imported only when used, so
 * importing `weft` never loads another runtime's modules.
 */
export async function serve(app: Weft<any>, options: ServeOptions = {}): Promise<Server> {
  const adapter = await loadAdapter(detectRuntime())
  // Modules (weftjs/di) start before the first request: singletons built, onInit run.
  await app.ready()
  // One error naming every optional package the app's subpaths need and cannot load.
  await checkPackages()
  const server = closingApp(await adapter.serve(app, options), app)
  if (options.shutdownOnSignal) adapter.onShutdownSignal(server, app.logger, options.shutdownTimeout)
  return server
}

/** `server.close()` also stops the app's modules (onDestroy), once requests have finished. */
function closingApp(server: Server, app: Weft<any>): Server {
  const close = server.close
  server.close = async () => {
    await close()
    await app.close()
  }
  return server
}

interface Adapter {
  serve(app: Weft<any>, options: ServeOptions): Promise<Server>
  onShutdownSignal(server: Server, logger: Logger, timeout?: number): void
}

async function loadAdapter(runtime: Runtime): Promise<Adapter> {
  // Literal specifiers: the dynamic-import policy, explained once in data/connect.ts.
  if (runtime === 'deno') {
    const { serveDeno, onShutdownSignal } = await import('./adapters/deno/index.js')
    return { serve: serveDeno, onShutdownSignal }
  }
  if (runtime === 'bun') {
    const { serveBun, onShutdownSignal } = await import('./adapters/bun/index.js')
    return { serve: serveBun, onShutdownSignal }
  }
  const { serveNode, onShutdownSignal } = await import('./adapters/node/index.js')
  return { serve: serveNode, onShutdownSignal }
}

/** Which runtime this is, by the global each one defines. Bun and Deno also define `process`. */
export function detectRuntime(): Runtime {
  const runtimes = globalThis as { Bun?: unknown; Deno?: { serve?: unknown } }
  if (runtimes.Bun !== undefined) return 'bun'
  if (typeof runtimes.Deno?.serve === 'function') return 'deno'
  return 'node'
}
