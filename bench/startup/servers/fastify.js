// Hello world on Fastify: prints "ready" once listening.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/', () => 'Hello World')
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
console.log('ready')
