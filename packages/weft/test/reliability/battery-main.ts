// Serves the battery app on $PORT (0: any free port) and prints one JSON line with the
// address; started as a child process under each runtime. SIGTERM drains gracefully.
import { serve } from 'weftjs'
import app from './battery-app.ts'

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
const server = await serve(app, {
  port: Number(env.PORT ?? 0),
  shutdownOnSignal: true,
  shutdownTimeout: 5000,
})
console.log(JSON.stringify({ url: server.url, port: server.port, runtime: server.runtime }))
