// Elysia on Bun, as its docs write it.
import { Elysia } from 'elysia'

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
new Elysia()
  .get('/', () => 'Hello World')
  .get('/json', () => ({ hello: 'world' }))
  .get('/users/:id', ({ params }) => ({ id: params.id }))
  .listen({ port: Number(env.PORT ?? 3000), hostname: '127.0.0.1' })
