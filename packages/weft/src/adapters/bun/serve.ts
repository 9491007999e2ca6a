import type { Weft } from '../../http/app.js'
import type { Logger } from '../../http/logger.js'
import { dispatch, headCheck } from '../fetch/index.js'
import { lastResortResponse } from '../last-resort.js'
import type { ServeOptions, Server } from '../server.js'
import { serverUrl } from '../server-url.js'
import { shutdownOnSignal } from '../shutdown.js'

/** The part of the `Bun` global Weft uses; typed here so the core needs no Bun types. */
interface BunNamespace {
  serve(options: {
    port: number
    hostname: string
    fetch: (request: Request) => Response | Promise<Response>
    error?: (error: Error) => Response | Promise<Response>
    idleTimeout?: number
    maxRequestBodySize?: number
    development?: boolean
  }): { port: number; stop(closeActiveConnections?: boolean): Promise<void> }
}

interface BunProcess {
  on(signal: string, listener: () => void): void
  off(signal: string, listener: () => void): void
  exit(code: number): never
}

const bun = (): BunNamespace => (globalThis as unknown as { Bun: BunNamespace }).Bun
const bunProcess = (): BunProcess => (globalThis as unknown as { process: BunProcess }).process

/** Bun answers 431 itself past 200 headers or a 16 KiB head (`bun --max-http-header-size`). */
const BUN_HEAD = { headerCount: 200, headerSize: 16 * 1024 }
/** Bun's idleTimeout is whole seconds, at most 255. */
const MAX_IDLE_SECONDS = 255

/**
 * Serves an app with `Bun.serve`. `limits.requestTimeout` becomes Bun's `idleTimeout`
 * (a connection silent that long is closed); the body limit stays Weft's, per route,
 * with Bun's own ceiling (`maxRequestBodySize`) raised to the app's limit when that is larger.
 */
export function serveBun(app: Weft<any>, options: ServeOptions = {}): Promise<Server> {
  const { limits } = app
  const hostname = options.hostname ?? '127.0.0.1'
  const check = headCheck(limits, BUN_HEAD)
  const server = bun().serve({
    port: options.port ?? 3000,
    hostname,
    fetch: (request) => dispatch(app, request, check),
    error: (error) => {
      app.logger.error({ err: String(error) }, 'response failed')
      return lastResortResponse()
    },
    idleTimeout: Math.min(MAX_IDLE_SECONDS, Math.max(1, Math.ceil(limits.requestTimeout / 1000))),
    // Bun answers a bare 413 past this before Weft sees the request; keep it at or above
    // Weft's limit so the answer is Weft's problem document. Bun's default is 128 MiB.
    maxRequestBodySize: Math.max(limits.bodySize, 128 * 1024 * 1024),
    // Weft makes its own error answers; Bun's development pages would differ by NODE_ENV.
    development: false,
  })
  let closing: Promise<void> | null = null
  const port = server.port
  return Promise.resolve({
    port,
    url: serverUrl(hostname, port),
    runtime: 'bun',
    // stop() without `true` stops accepting and lets in-flight requests finish.
    close: () => (closing ??= server.stop()),
  })
}

/** Graceful shutdown on SIGTERM / SIGINT for Bun (see `ServeOptions.shutdownOnSignal`). */
export function onShutdownSignal(server: Server, logger: Logger, timeout?: number): void {
  shutdownOnSignal(
    server,
    {
      onSignal(signal, listener) {
        bunProcess().on(signal, listener)
        return () => bunProcess().off(signal, listener)
      },
      exit: (code) => bunProcess().exit(code),
    },
    logger,
    timeout,
  )
}
