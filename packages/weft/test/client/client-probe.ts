// Run under Deno or Bun by client-on-runtimes.test.ts: the typed client against a Weft
// server at $API_URL, printing what it got as one JSON line.
import { ClientError, client } from 'weftjs/client'
import type { app } from './client-app.ts'

const env = (globalThis as { process?: { env: Record<string, string> } }).process?.env
const api = client<typeof app>(env?.API_URL ?? '')
const user = await api.get('/users/:id', { params: { id: '1' } })
const created = await api.post('/users', { body: { name: 'grace' } })
const failure = await api.get('/users/:id', { params: { id: '99' } }).catch((error: unknown) => error)
console.log(
  JSON.stringify({
    user,
    created: created.name,
    error:
      failure instanceof ClientError
        ? { status: failure.status, code: failure.problem.code }
        : String(failure),
  }),
)
