import type { Logger } from '../../http/logger.js'
import type { Server } from '../server.js'
import { shutdownOnSignal } from '../shutdown.js'

/** Graceful shutdown on SIGTERM / SIGINT for Node (see `ServeOptions.shutdownOnSignal`). */
export function onShutdownSignal(server: Server, logger: Logger, timeout?: number): void {
  shutdownOnSignal(
    server,
    {
      onSignal(signal, listener) {
        process.on(signal, listener)
        return () => process.off(signal, listener)
      },
      exit: (code) => process.exit(code),
    },
    logger,
    timeout,
  )
}
