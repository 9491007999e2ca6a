// Fastify with @fastify/static over the folder in $STATIC_ROOT.
import fastifyStatic from '@fastify/static'
import Fastify from 'fastify'

const app = Fastify()
await app.register(fastifyStatic, { root: process.env.STATIC_ROOT, prefix: '/static/' })
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
console.log('ready')
