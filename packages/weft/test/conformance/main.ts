// Serves the fixture app on the port in $PORT (0: any free port) and prints one JSON line
// with the address, which is how the conformance tests learn where to connect.
// Started as a child process under each runtime; SIGTERM shuts it down gracefully.
import { type Server, serve } from 'weftjs'
import app from './fixture-app.ts'
import { addWebSocketRoutes } from './fixture-websocket.ts'

addWebSocketRoutes(app)

let server: Server | undefined
// Closes from inside: the in-flight requests finish, then the process ends by itself.
app.post('/__close', () => {
  setTimeout(() => server?.close(), 0)
  return 'closing'
})
app.get('/__runtime', () => ({ runtime: server?.runtime }))

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
server = await serve(app, { port: Number(env.PORT ?? 0), shutdownOnSignal: true, shutdownTimeout: 5000 })
console.log(JSON.stringify({ url: server.url, port: server.port, runtime: server.runtime }))
