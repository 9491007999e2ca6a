import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import * as v from 'valibot'
import { type Weft, weft } from 'weftjs'
import { z } from 'zod'
import 'weftjs/docs'
import { info } from './openapi-fixture.ts'

const ops = (app: Weft<any>, options = {}) => app.openapi({ info, ...options }).paths as any

describe('OpenAPI operations', () => {
  test('path params come from the path, typed string and required, even without a schema', () => {
    const app = weft().get('/orgs/:org/repos/:repo', () => '')
    const op = ops(app)['/orgs/{org}/repos/{repo}'].get
    assert.deepEqual(op.parameters, [
      { name: 'org', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'repo', in: 'path', required: true, schema: { type: 'string' } },
    ])
    assert.equal(op.operationId, 'getOrgsByOrgReposByRepo')
  })

  test('a params schema types the path params it names', () => {
    const app = weft().get('/items/:n', { params: z.object({ n: z.coerce.number().int() }) }, () => '')
    const [param] = ops(app)['/items/{n}'].get.parameters
    assert.equal(param.schema.type, 'integer')
    assert.equal(param.required, true)
  })

  test('wildcards become one path param; trailing slashes are dropped', () => {
    const app = weft()
      .get('/static/*file', () => '')
      .get('/any/*', () => '')
      .get('/users/', () => '')
    const paths = ops(app)
    assert.equal(paths['/static/{file}'].get.parameters[0].name, 'file')
    assert.equal(paths['/any/{wildcard}'].get.parameters[0].name, 'wildcard')
    assert.ok(paths['/users'])
  })

  test('a body is offered as JSON by default, or as the route accepts', () => {
    const body = z.object({ name: z.string() })
    const app = weft()
      .post('/a', { body }, () => '')
      .post('/b', { body: z.string(), accepts: ['text'] }, () => '')
      .post('/c', { body, accepts: ['json', 'form'] }, () => '')
      .post('/d', { accepts: ['form'] }, () => '')
      .post('/e', () => '')
    const paths = ops(app)
    assert.deepEqual(Object.keys(paths['/a'].post.requestBody.content), ['application/json'])
    assert.deepEqual(Object.keys(paths['/c'].post.requestBody.content), [
      'application/json',
      'application/x-www-form-urlencoded',
    ])
    assert.equal(paths['/a'].post.requestBody.required, true)
    // A route that accepts a body without a schema reads one if sent, but needs none.
    assert.equal(paths['/d'].post.requestBody.required, false)
    assert.deepEqual(Object.keys(paths['/d'].post.requestBody.content), ['application/x-www-form-urlencoded'])
    assert.equal(paths['/e'].post.requestBody, undefined)
    assert.deepEqual(paths['/b'].post.requestBody.content, { 'text/plain': { schema: { type: 'string' } } })
  })

  test('responses: one schema is a 200, a map lists its statuses, none is a bare 200', () => {
    const Item = z.object({ id: z.string() })
    const app = weft()
      .get('/one', { response: Item }, () => ({ id: '1' }))
      .post(
        '/map',
        { response: { 201: Item, 204: z.undefined(), 409: z.object({ reason: z.string() }) } },
        () => '',
      )
      .get('/none', () => 'x')
      .get('/text', { response: z.string() }, () => 'x')
    const paths = ops(app)
    assert.deepEqual(paths['/one'].get.responses['200'].content['application/json'].schema.required, ['id'])
    const map = paths['/map'].post.responses
    assert.deepEqual(Object.keys(map), ['201', '204', '409'])
    assert.equal(map['201'].description, 'Created')
    assert.equal(map['204'].content, undefined)
    assert.equal(map['409'].description, 'Conflict')
    assert.deepEqual(paths['/none'].get.responses, { '200': { description: 'OK' } })
    assert.ok(paths['/text'].get.responses['200'].content['text/plain'], 'a string answers as text/plain')
  })

  test('problem+json answers: 400/413/415 where a body is read, 422 where anything is validated', () => {
    const app = weft()
      .post('/body', { body: z.object({ a: z.string() }) }, () => '')
      .get('/query', { query: z.object({ q: z.string() }) }, () => '')
      .get('/plain', () => '')
    const paths = ops(app)
    const body = paths['/body'].post.responses
    assert.deepEqual(Object.keys(body), ['200', '400', '413', '415', '422'])
    assert.deepEqual(body['422'].content['application/problem+json'].schema, {
      $ref: '#/components/schemas/ValidationProblem',
    })
    assert.deepEqual(body['413'].content['application/problem+json'].schema, {
      $ref: '#/components/schemas/Problem',
    })
    assert.deepEqual(Object.keys(paths['/query'].get.responses), ['200', '400', '422'])
    assert.deepEqual(Object.keys(paths['/plain'].get.responses), ['200'])
    const schemas = app.openapi({ info }).components.schemas as any
    assert.deepEqual(schemas.Problem.required, ['type', 'title', 'status'])
    const errors = schemas.ValidationProblem.allOf[1].properties.errors
    assert.deepEqual(errors.items.required, ['in', 'path', 'message'])
  })

  test('the problem schema matches what a failed validation really answers', async () => {
    const app = weft({ logger: false }).post('/body', { body: z.object({ a: z.string() }) }, () => '')
    const res = await app.request('/body', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    })
    assert.equal(res.status, 422)
    const problem = await res.json()
    const schemas = app.openapi({ info }).components.schemas as any
    assert.deepEqual(schemas.Problem.required, ['type', 'title', 'status'])
    for (const name of schemas.Problem.required) assert.ok(name in problem, `problem has ${name}`)
    assert.equal(problem.errors.length, 1)
    for (const error of problem.errors) assert.deepEqual(Object.keys(error).sort(), ['in', 'message', 'path'])
  })

  test('a declared status is never replaced by a problem answer; problems: false leaves them out', () => {
    const own = z.object({ mine: z.boolean() })
    const app = weft().post('/x', { body: z.object({}), response: { 200: z.object({}), 422: own } }, () => '')
    assert.ok(ops(app)['/x'].post.responses['422'].content['application/json'])
    const bare = app.openapi({ info, problems: false })
    assert.deepEqual(Object.keys((bare.paths['/x'] as any).post.responses), ['200', '422'])
    assert.equal(bare.components.schemas?.Problem, undefined)
  })

  test('metadata: summary, description, tags, given or derived operationIds, deprecated', () => {
    const app = weft()
      .get(
        '/a',
        { summary: 'A', description: 'All about **A**', tags: ['x', 'y'], deprecated: true },
        () => '',
      )
      .get('/b', { operationId: 'fetchB', tags: ['y'] }, () => '')
    const doc = app.openapi({ info, tags: [{ name: 'y', description: 'Why' }] })
    const a = (doc.paths['/a'] as any).get
    assert.deepEqual(
      [a.summary, a.description, a.tags, a.deprecated, a.operationId],
      ['A', 'All about **A**', ['x', 'y'], true, 'getA'],
    )
    assert.equal((doc.paths['/b'] as any).get.operationId, 'fetchB')
    assert.deepEqual(doc.tags, [{ name: 'y', description: 'Why' }, { name: 'x' }])
  })

  test('operationIds stay unique', () => {
    const app = weft()
      .get('/a', { operationId: 'same' }, () => '')
      .get('/b', { operationId: 'same' }, () => '')
      .all('/c', { operationId: 'any' }, () => '')
    const ids = Object.values(ops(app)).flatMap((item: any) =>
      Object.values(item).map((op: any) => op.operationId),
    )
    assert.equal(new Set(ids).size, ids.length)
    assert.ok(ids.includes('same') && ids.includes('sameGet'))
  })

  test('HEAD and OPTIONS routes are their own operations; all() fills in the common methods', () => {
    const app = weft()
      .head('/h', () => undefined)
      .options('/h', () => undefined)
      .get('/g', () => '')
      .all('/any', () => '')
      .post('/any', { summary: 'the explicit one' }, () => '')
      .on('PURGE', '/cache', () => '')
    const paths = ops(app)
    assert.deepEqual(Object.keys(paths['/h']), ['head', 'options'])
    assert.deepEqual(Object.keys(paths['/g']), ['get'], "a GET's implied HEAD is not listed")
    assert.deepEqual(Object.keys(paths['/any']).sort(), ['delete', 'get', 'patch', 'post', 'put'])
    assert.equal(paths['/any'].post.summary, 'the explicit one')
    assert.equal(paths['/cache'], undefined, 'OpenAPI 3.1 has no place for PURGE')
  })

  test('query parameters keep their descriptions; a non-object query is one exploded parameter', () => {
    const app = weft()
      .get('/q', { query: z.object({ term: z.string().describe('Search term') }) }, () => '')
      .get('/u', { query: z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]) }, () => '')
    const paths = ops(app)
    assert.equal(paths['/q'].get.parameters[0].description, 'Search term')
    const [whole] = paths['/u'].get.parameters
    assert.deepEqual([whole.name, whole.in, whole.style, whole.explode], ['query', 'query', 'form', true])
  })

  test('shared named schemas become one component; a different one under the same name is renamed', () => {
    const User = z.object({ name: z.string() }).meta({ id: 'User' })
    const Other = z.object({ other: z.number() }).meta({ id: 'User' })
    const app = weft()
      .post('/a', { body: z.object({ user: User }) }, () => '')
      .post('/b', { body: z.object({ users: z.array(User) }) }, () => '')
    const doc = app.openapi({ info, problems: false })
    assert.deepEqual(Object.keys(doc.components.schemas!), ['User'])
    const clash = weft()
      .post('/a', { body: z.object({ user: User }) }, () => '')
      .post('/b', { body: z.object({ other: Other }) }, () => '')
    const b = (clash.openapi({ info, problems: false }).paths['/b'] as any).post
    assert.equal(
      b.requestBody.content['application/json'].schema.properties.other.$ref,
      '#/components/schemas/User2',
    )
  })

  test('a user converter wins; components and security pass through', () => {
    const app = weft().post('/x', { body: z.object({ a: z.string() }) }, () => '')
    const doc = app.openapi({
      info,
      jsonSchema: () => ({ type: 'object', title: 'Custom' }),
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
      problems: false,
    })
    assert.equal((doc.paths['/x'] as any).post.requestBody.content['application/json'].schema.title, 'Custom')
    assert.deepEqual(doc.components.securitySchemes, { bearer: { type: 'http', scheme: 'bearer' } })
    assert.deepEqual(doc.security, [{ bearer: [] }])
  })
})

describe('OpenAPI errors that say what to do', () => {
  test('a schema without JSON Schema is documented as open, with one warning naming the way out', (t) => {
    const warnings: string[] = []
    t.mock.method(console, 'warn', (message: string) => warnings.push(message))
    const body = v.object({ a: v.string() })
    const app = weft().post('/v', { body }, () => '')
    const schemaOf = (doc: ReturnType<typeof app.openapi>) =>
      (doc.paths['/v'] as any).post.requestBody.content['application/json'].schema
    const first = app.openapi({ info })
    assert.equal(Object.keys(schemaOf(first)).join(), 'description')
    assert.match(schemaOf(first).description, /Unconstrained/)
    app.openapi({ info })
    assert.equal(warnings.length, 1, 'warned once, not on every build')
    assert.match(
      warnings[0],
      /WEFT_OPENAPI_NO_JSON_SCHEMA: the valibot schema of POST \/v .*@valibot\/to-json-schema/,
    )
  })

  test('a hand-written Standard Schema (no JSON Schema at all) does not refuse the document', (t) => {
    t.mock.method(console, 'warn', () => {})
    const handWritten = {
      '~standard': {
        version: 1 as const,
        vendor: 'handmade',
        validate: (value: unknown) => ({ value }),
      },
    }
    const app = weft().get('/h', { query: handWritten }, () => 'ok')
    const doc = app.openapi({ info })
    assert.ok(doc.paths['/h'], 'the route is documented')
  })

  test('a schema JSON Schema cannot express names the route', () => {
    const app = weft().get('/d', { response: z.object({ when: z.date() }) }, () => ({ when: new Date() }))
    assert.throws(() => app.openapi({ info }), /WEFT_OPENAPI_SCHEMA: the zod schema of GET \/d/)
  })

  test('info.title and info.version are required', () => {
    assert.throws(() => weft().openapi({ info: { title: 'x' } } as any), /WEFT_OPENAPI_INFO/)
  })
})
