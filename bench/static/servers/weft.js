// Weft: weftjs/static over the folder in $STATIC_ROOT.
import { serve, weft } from 'weftjs'
import { serveStatic } from 'weftjs/static'

const app = weft({ logger: false })
app.use(serveStatic({ root: process.env.STATIC_ROOT, prefix: '/static' }))
await serve(app, { port: Number(process.env.PORT), hostname: '127.0.0.1' })
console.log('ready')
