import type { Weft } from './http/app.js'

export interface ServeOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1: nothing is exposed beyond this machine unless asked. */
  hostname?: string
}

export interface Server {
  port: number
  url: string
  runtime: 'node' | 'deno' | 'bun'
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive sockets. */
  close(): Promise<void>
}

/**
 * Serves an app on the runtime it runs on. Each adapter is imported only when used, so
 * importing `weft` never loads another runtime's modules.
 */
export async function serve(app: Weft, options: ServeOptions = {}): Promise<Server> {
  const { serveNode } = await import('./adapters/node/index.js')
  // Modules (weft/di) start before the first request: singletons built, onInit run.
  await app.ready()
  return closingApp(await serveNode(app, options), app)
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
