import { type Server, serve, type Weft } from 'weftjs'

/** Serves `app` on a free port for the duration of `run`, over a real socket. */
export async function withServer<T>(app: Weft<any>, run: (server: Server) => Promise<T>): Promise<T> {
  const server = await serve(app, { port: 0 })
  try {
    return await run(server)
  } finally {
    await server.close()
  }
}

// Raw-socket helpers live with the conformance client, which every runtime's suite uses.
export { rawRequest, statusOf } from '../conformance/client.ts'
