// Fastify as its docs recommend: JSON-schema validation (ajv) for the body and response
// schemas (fast-json-stringify) for serialisation; the middleware chain is onRequest hooks.
import Fastify from 'fastify'

const port = Number(process.env.PORT ?? process.argv[2] ?? 3000)
const app = Fastify({ logger: false })

const hello = { 200: { type: 'object', properties: { hello: { type: 'string' } } } }
const user = {
  type: 'object',
  required: ['name', 'age'],
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
}
const noop = async () => {}

app.get('/', async () => 'Hello World')
app.get('/json', { schema: { response: hello } }, async () => ({ hello: 'world' }))
app.get(
  '/users/:id',
  { schema: { response: { 200: { type: 'object', properties: { id: { type: 'string' } } } } } },
  async (request) => ({ id: request.params.id }),
)
app.get('/mw', { onRequest: [noop, noop, noop, noop, noop], schema: { response: hello } }, async () => ({
  hello: 'world',
}))
app.post('/users', { schema: { body: user, response: { 201: user } } }, async (request, reply) => {
  reply.code(201)
  return request.body
})

await app.listen({ port, host: '127.0.0.1' })
