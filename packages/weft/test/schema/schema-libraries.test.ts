import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type } from 'arktype'
import * as v from 'valibot'
import { weft } from 'weftjs'
import { z } from 'zod'
import { withServer } from '../helpers/server.ts'

// The same route, once per Standard Schema library: each must validate, type and report alike.
const libraries = {
  zod: {
    body: z.object({ name: z.string().min(1), tags: z.array(z.string()) }),
    query: z.object({ page: z.coerce.number().int().min(1) }),
    params: z.object({ id: z.string().regex(/^\d+$/) }),
  },
  valibot: {
    body: v.object({ name: v.pipe(v.string(), v.minLength(1)), tags: v.array(v.string()) }),
    query: v.object({ page: v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1)) }),
    params: v.object({ id: v.pipe(v.string(), v.regex(/^\d+$/)) }),
  },
  arktype: {
    body: type({ name: 'string > 0', tags: 'string[]' }),
    query: type({ page: 'string.integer.parse' }).pipe((q, ctx) =>
      q.page >= 1 ? q : ctx.error('page >= 1'),
    ),
    params: type({ id: /^\d+$/ }),
  },
}

for (const [library, schemas] of Object.entries(libraries)) {
  describe(`route schemas with ${library}`, () => {
    const app = weft({ logger: false })
    app.post('/items/:id', { params: schemas.params, query: schemas.query, body: schemas.body }, (ctx) => ({
      id: ctx.params.id,
      page: ctx.query.page,
      name: ctx.body.name,
      tags: ctx.body.tags,
    }))
    const post = (url: string, path: string, body: string) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })

    test('valid input reaches the handler parsed', async () => {
      await withServer(app, async ({ url }) => {
        const res = await post(url, '/items/7?page=2', '{"name":"a","tags":["x"]}')
        assert.equal(res.status, 200)
        assert.deepEqual(await res.json(), { id: '7', page: 2, name: 'a', tags: ['x'] })
      })
    })

    test('invalid input answers 422 naming each field', async () => {
      await withServer(app, async ({ url }) => {
        const body = await post(url, '/items/7?page=2', '{"name":"","tags":[1]}')
        assert.equal(body.status, 422)
        const problem = await body.json()
        const paths = problem.errors.map((e: { path: string }) => e.path).sort()
        assert.deepEqual(paths, ['name', 'tags.0'])
        for (const error of problem.errors) assert.equal(error.in, 'body')
        const params = await post(url, '/items/x?page=2', '{"name":"a","tags":[]}')
        assert.equal(params.status, 422)
        assert.equal((await params.json()).errors[0].in, 'params')
        const query = await post(url, '/items/7?page=0', '{"name":"a","tags":[]}')
        assert.equal(query.status, 422)
        assert.equal((await query.json()).errors[0].in, 'query')
      })
    })

    test('an unparseable body answers 400', async () => {
      await withServer(app, async ({ url }) => {
        assert.equal((await post(url, '/items/7?page=2', '{"name"')).status, 400)
      })
    })
  })
}
