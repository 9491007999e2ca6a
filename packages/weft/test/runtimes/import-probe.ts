// Imports weft, serves one request and closes: the module-graph test runs it under Deno
// (with coverage) and Bun (with a plugin that refuses Node's adapter) to see what loads.
import { serve, weft } from 'weftjs'

const app = weft({ logger: false })
app.get('/', () => 'probe')
const server = await serve(app, { port: 0 })
const text = await (await fetch(server.url)).text()
await server.close()
console.log(JSON.stringify({ runtime: server.runtime, text }))
