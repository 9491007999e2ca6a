import type { Logger } from '../http/logger.js'
import type { Server } from './server.js'

export type ShutdownSignal = 'SIGTERM' | 'SIGINT'

/** The two things graceful shutdown needs from a runtime; each adapter supplies its own. */
export interface ProcessControl {
  /** Listens for a signal; returns the function that stops listening. */
  onSignal(signal: ShutdownSignal, listener: () => void): () => void
  exit(code: number): void
}

const SIGNALS: ShutdownSignal[] = ['SIGTERM', 'SIGINT']

/**
 * On SIGTERM or SIGINT, closes the server gracefully (in-flight requests finish, new ones
 * are refused) and exits 0; exits 1 if that takes longer than `timeout` or a second signal
 * comes, as an operator pressing Ctrl-C twice means "now".
 */
export function shutdownOnSignal(
  server: Server,
  control: ProcessControl,
  logger: Logger,
  timeout = 10_000,
): void {
  let stopping = false
  const close = server.close
  const stop = (signal: ShutdownSignal) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting')
      return control.exit(1)
    }
    stopping = true
    logger.info({ signal, timeout }, 'shutting down: waiting for in-flight requests')
    const timer = setTimeout(() => {
      logger.error({ timeout }, 'WEFT_SHUTDOWN_TIMEOUT: requests still running; exiting anyway')
      control.exit(1)
    }, timeout)
    close().then(
      () => {
        clearTimeout(timer)
        control.exit(0)
      },
      (error: unknown) => {
        logger.error({ err: String(error) }, 'shutdown failed')
        control.exit(1)
      },
    )
  }
  const listeners = SIGNALS.map((signal) => control.onSignal(signal, () => stop(signal)))
  // A close() the app calls itself stops listening, so the signal handlers never keep
  // the process alive or close twice.
  server.close = () => {
    for (const off of listeners) off()
    return close()
  }
}
