// Express with serve-static over the folder in $STATIC_ROOT.
import express from 'express'
import serveStatic from 'serve-static'

const app = express()
app.use('/static', serveStatic(process.env.STATIC_ROOT))
app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'))
