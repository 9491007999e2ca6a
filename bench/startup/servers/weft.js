// Hello world on Weft: prints "ready" once listening.
import { serve, weft } from 'weftjs'

const app = weft({ logger: false }).get('/', () => 'Hello World')
await serve(app, { port: Number(process.env.PORT), hostname: '127.0.0.1' })
console.log('ready')
