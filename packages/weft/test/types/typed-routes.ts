// Type tests: `npm run typecheck` fails when route or client inference regresses.
// Each @ts-expect-error must stay an error; each Expect<Equal<...>> must stay true.
import { weft } from 'weftjs'
import { client, type ResponseOf } from 'weftjs/client'
import { z } from 'zod'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

const User = z.object({ name: z.string(), age: z.number() })

const app = weft()
  .get('/users/:id', (ctx) => {
    type Params = Expect<Equal<typeof ctx.params, { id: string }>>
    return { id: ctx.params.id, name: 'ada' }
  })
  .get('/orgs/:org/repos/:repo', (ctx) => ctx.json({ org: ctx.params.org, repo: ctx.params.repo }))
  .get('/files/*', (ctx) => ctx.params['*'])
  .post('/users', { body: User }, (ctx) => {
    type Body = Expect<Equal<typeof ctx.body, { name: string; age: number }>>
    return ctx.json({ created: ctx.body.name }, 201)
  })
  .get('/search', { query: z.object({ q: z.string(), page: z.coerce.number().optional() }) }, (ctx) => {
    type Query = Expect<Equal<typeof ctx.query, { q: string; page?: number | undefined }>>
    return [ctx.query.q]
  })
  .delete('/users/:id', () => undefined)
  .get('/declared', { response: { 200: z.object({ ok: z.boolean() }) } }, () => ({ ok: true }))

app.get('/typo/:id', (ctx) => {
  // @ts-expect-error: the path declares `id`, not `userId`
  return ctx.params.userId
})

type UserResponse = Expect<
  Equal<ResponseOf<typeof app, 'GET', '/users/:id'>, { 200: { id: string; name: string } }>
>
type Created = Expect<Equal<ResponseOf<typeof app, 'POST', '/users'>, { 201: { created: string } }>>
type Deleted = Expect<Equal<ResponseOf<typeof app, 'DELETE', '/users/:id'>, { 204: undefined }>>
type Declared = Expect<Equal<ResponseOf<typeof app, 'GET', '/declared'>, { 200: { ok: boolean } }>>

async function calls() {
  const api = client<typeof app>('http://localhost:3000')
  const user = await api.get('/users/:id', { params: { id: '1' } })
  type U = Expect<Equal<typeof user, { id: string; name: string }>>
  const created = await api.post('/users', { body: { name: 'ada', age: 36 } })
  type C = Expect<Equal<typeof created, { created: string }>>
  const repo = await api.get('/orgs/:org/repos/:repo', { params: { org: 'o', repo: 'r' } })
  type R = Expect<Equal<typeof repo, { org: string; repo: string }>>
  const found = await api.get('/search', { query: { q: 'x' } })
  type F = Expect<Equal<typeof found, string[]>>

  // @ts-expect-error: wrong param name
  await api.get('/users/:id', { params: { userId: '1' } })
  // @ts-expect-error: params are required for a path with params
  await api.get('/users/:id')
  // @ts-expect-error: the body must match the schema
  await api.post('/users', { body: { name: 'ada' } })
  // @ts-expect-error: no such route
  await api.get('/nope')
  // @ts-expect-error: POST /users/:id is not a route
  await api.post('/users/:id', { params: { id: '1' } })
  // @ts-expect-error: the response is not a number
  const wrong: number = await api.get('/users/:id', { params: { id: '1' } })
  return [user, created, repo, found, wrong]
}

const api = weft().route(
  '/api',
  weft().get('/ping', () => 'pong'),
)
type Mounted = Expect<Equal<ResponseOf<typeof api, 'GET', '/api/ping'>, { 200: string }>>

export type TypeTests = [UserResponse, Created, Deleted, Declared, Mounted, typeof calls]
