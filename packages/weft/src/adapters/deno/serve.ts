import type { Weft } from '../../http/app.js'
import type { Logger } from '../../http/logger.js'
import { dispatch, headCheck } from '../fetch/index.js'
import { lastResortResponse } from '../last-resort.js'
import type { ServeOptions, Server } from '../server.js'
import { serverUrl } from '../server-url.js'
import { shutdownOnSignal } from '../shutdown.js'

/** The part of the `Deno` namespace Weft uses; typed here so the core needs no Deno types. */
interface DenoNamespace {
  serve(
    options: {
      port: number
      hostname: string
      onListen?: (addr: { port: number; hostname: string }) => void
      onError?: (error: unknown) => Response | Promise<Response>
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): { addr: { port: number }; shutdown(): Promise<void>; finished: Promise<void> }
  addSignalListener(signal: string, listener: () => void): void
  removeSignalListener(signal: string, listener: () => void): void
  exit(code: number): never
}

const deno = (): DenoNamespace => (globalThis as unknown as { Deno: DenoNamespace }).Deno

/** Deno refuses (400) a head of more than 128 headers or about 64 KiB by itself. */
const DENO_HEAD = { headerCount: 128, headerSize: 64 * 1024 }

/**
 * Serves an app with `Deno.serve`. Deno has no options for head size or timeouts: Weft
 * enforces the body limit (per route), Deno bounds the head, and request and idle
 * timeouts do not apply (docs/runtimes.md says what to put in front).
 */
export function serveDeno(app: Weft<any>, options: ServeOptions = {}): Promise<Server> {
  const hostname = options.hostname ?? '127.0.0.1'
  const check = headCheck(app.limits, DENO_HEAD)
  const fetch = (request: Request) => dispatch(app, request, check)
  // Deno.serve listens synchronously and throws (AddrInUse, PermissionDenied) right away.
  const server = deno().serve(
    {
      port: options.port ?? 3000,
      hostname,
      onListen: () => {},
      onError: (error) => {
        app.logger.error({ err: String(error) }, 'response failed')
        return lastResortResponse()
      },
    },
    fetch,
  )
  let closing: Promise<void> | null = null
  const port = server.addr.port
  return Promise.resolve({
    port,
    url: serverUrl(hostname, port),
    runtime: 'deno',
    // shutdown() stops accepting, lets in-flight requests finish and closes idle connections.
    close: () => (closing ??= server.shutdown()),
  })
}

/** Graceful shutdown on SIGTERM / SIGINT for Deno (see `ServeOptions.shutdownOnSignal`). */
export function onShutdownSignal(server: Server, logger: Logger, timeout?: number): void {
  shutdownOnSignal(
    server,
    {
      onSignal(signal, listener) {
        deno().addSignalListener(signal, listener)
        return () => deno().removeSignalListener(signal, listener)
      },
      exit: (code) => deno().exit(code),
    },
    logger,
    timeout,
  )
}
