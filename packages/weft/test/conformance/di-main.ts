// Serves di-app.ts with serve() on the port in $PORT and prints its address line, as main.ts does.
import { serve } from 'weftjs'
import app from './di-app.ts'

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
const server = await serve(app, { port: Number(env.PORT ?? 0), shutdownOnSignal: true })
console.log(JSON.stringify({ url: server.url, port: server.port, runtime: server.runtime }))
