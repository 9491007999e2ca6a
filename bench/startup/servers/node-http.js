// Hello world on node:http, the floor: prints "ready" once listening.
import { createServer } from 'node:http'

createServer((_req, res) => res.end('Hello World')).listen(Number(process.env.PORT), '127.0.0.1', () =>
  console.log('ready'),
)
