import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { fixtureApp, info, valibotConverter } from './openapi-fixture.ts'

describe('the OpenAPI document of an app using zod, valibot and arktype', () => {
  const document = fixtureApp().openapi({
    info,
    servers: [{ url: 'https://api.example.com' }],
    jsonSchema: valibotConverter,
  })

  test('is valid OpenAPI 3.1 by an independent validator', async () => {
    const validator = new Validator()
    const result = await validator.validate(structuredClone(document) as any)
    assert.deepEqual(result.errors, undefined)
    assert.equal(result.valid, true)
    assert.equal(validator.version, '3.1')
    const broken = { ...structuredClone(document), info: { title: 'No version' } }
    assert.equal((await new Validator().validate(broken as any)).valid, false, 'the validator is not a no-op')
  })

  test('has every $ref resolvable', async () => {
    const validator = new Validator()
    await validator.validate(structuredClone(document) as any)
    assert.doesNotThrow(() => validator.resolveRefs())
    for (const ref of JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)) {
      assert.match(ref[1], /^#\/components\/schemas\//)
      const name = ref[1].slice('#/components/schemas/'.length)
      assert.ok(document.components.schemas?.[name], `${ref[1]} points at a component`)
    }
  })

  test('lists every visible route, sub-apps included, with templated paths', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    )
    assert.deepEqual(operations.sort(), [
      'DELETE /echo',
      'DELETE /tasks/{id}',
      'GET /',
      'GET /echo',
      'GET /files/{path}',
      'GET /health',
      'GET /raw/{wildcard}',
      'GET /tasks',
      'GET /tasks/{id}',
      'HEAD /ping',
      'OPTIONS /ping',
      'PATCH /echo',
      'PATCH /tasks/{id}',
      'POST /echo',
      'POST /tasks',
      'POST /tree',
      'POST /upload',
      'PUT /echo',
    ])
    assert.equal(document.paths['/internal'], undefined, 'hidden routes are left out')
  })

  test('carries info, servers and the tags used', () => {
    assert.equal(document.openapi, '3.1.1')
    assert.deepEqual(document.info, info)
    assert.deepEqual(document.servers, [{ url: 'https://api.example.com' }])
    assert.deepEqual(document.tags, [{ name: 'tasks' }])
  })

  test('describes each library: zod query, valibot body, arktype headers and response', () => {
    const list = document.paths['/tasks'].get as any
    assert.deepEqual(
      list.parameters.map((p: any) => [p.name, p.in, p.required ?? false]),
      [
        ['done', 'query', false],
        ['limit', 'query', true],
      ],
    )
    const create = document.paths['/tasks'].post as any
    const body = create.requestBody.content['application/json'].schema
    assert.deepEqual(body.required, ['title'])
    assert.equal(body.properties.title.minLength, 1)
    const patch = document.paths['/tasks/{id}'].patch as any
    assert.deepEqual(
      patch.parameters.map((p: any) => [p.name, p.in, p.required ?? false]),
      [
        ['id', 'path', true],
        ['if-match', 'header', true],
        ['x-trace', 'header', false],
      ],
      'Authorization is left to security schemes, as OpenAPI requires',
    )
    assert.equal(patch.deprecated, true)
    const patched = patch.responses['200'].content['application/json'].schema
    assert.deepEqual(patched.required.sort(), ['done', 'id', 'title'])
  })

  test('hoists recursive schemas into components', () => {
    const tree = document.paths['/tree'].post as any
    const ref = tree.requestBody.content['application/json'].schema.$ref
    assert.match(ref, /^#\/components\/schemas\//)
    const component = document.components.schemas![ref.split('/').pop()] as any
    assert.equal(component.properties.children.items.$ref, ref)
  })
})
