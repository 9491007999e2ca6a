// What serve() takes and gives, on every runtime: each adapter implements it.

export interface ServeOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1: nothing is exposed beyond this machine unless asked. */
  hostname?: string
  /**
   * On SIGTERM or SIGINT: stop accepting, let in-flight requests finish, then exit the
   * process. Off by default: a library must not decide when its host process ends.
   * @example serve(app, { port: 8080, shutdownOnSignal: true })
   */
  shutdownOnSignal?: boolean
  /** Milliseconds a signal-triggered shutdown waits for in-flight requests before exiting anyway. Default 10 s. */
  shutdownTimeout?: number
}

export type Runtime = 'node' | 'deno' | 'bun'

export interface Server {
  port: number
  url: string
  runtime: Runtime
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive sockets. */
  close(): Promise<void>
}
