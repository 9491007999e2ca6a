import assert from 'node:assert/strict'
import { assertBareInternalError, type Case, post } from '../client.ts'

const json = 'application/json'

export const errors: Case[] = [
  [
    'HttpError answers with its status, message and extras as problem+json',
    async ({ url }) => {
      const res = await fetch(`${url}/e/conflict`)
      assert.equal(res.status, 409)
      assert.equal(res.headers.get('content-type'), 'application/problem+json')
      assert.deepEqual(await res.json(), {
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        detail: 'That name is taken',
        code: 'NAME_TAKEN',
        name: 'ada',
      })
      const unavailable = await fetch(`${url}/e/unavailable`)
      assert.equal(unavailable.status, 503)
      assert.equal(unavailable.headers.get('retry-after'), '120')
    },
  ],
  [
    'an unexpected throw answers 500 without message or stack in production',
    async ({ url }) => {
      for (const path of ['/e/crash', '/e/async-crash']) {
        const res = await fetch(`${url}${path}`)
        await assertBareInternalError(res)
      }
    },
  ],
  [
    'a valid body reaches the handler typed and parsed',
    async (target) => {
      const res = await post(target, '/v/users', JSON.stringify({ name: 'Ada', age: 36 }), json)
      assert.equal(res.status, 201)
      assert.deepEqual(await res.json(), { created: 'Ada', age: 36 })
    },
  ],
  [
    'an invalid body answers 422 listing each issue with its path',
    async (target) => {
      const res = await post(target, '/v/users', JSON.stringify({ name: '', age: 'old' }), json)
      assert.equal(res.status, 422)
      assert.equal(res.headers.get('content-type'), 'application/problem+json')
      const problem = await res.json()
      assert.equal(problem.code, 'WEFT_VALIDATION')
      assert.deepEqual(
        problem.errors.map((e: { in: string; path: string }) => `${e.in}:${e.path}`),
        ['body:name', 'body:age'],
      )
    },
  ],
  [
    'an unparseable body answers 400, a wrong content type 415, a missing body 422',
    async (target) => {
      const answers = [
        [await post(target, '/v/users', '{"name":', json), 400, 'WEFT_MALFORMED_JSON'],
        [await post(target, '/v/users', '<user/>', 'application/xml'), 415, 'WEFT_UNSUPPORTED_MEDIA_TYPE'],
        [await post(target, '/v/users'), 422, 'WEFT_VALIDATION'],
      ] as const
      for (const [res, status, code] of answers) {
        assert.equal(res.status, status, code)
        assert.equal(res.headers.get('content-type'), 'application/problem+json', code)
        const problem = await res.json()
        assert.deepEqual([problem.status, problem.code], [status, code])
        if (status === 422)
          assert.deepEqual(
            problem.errors.map((e: { in: string }) => e.in),
            ['body'],
          )
      }
    },
  ],
  [
    'params, query and headers are validated and transformed',
    async ({ url }) => {
      assert.deepEqual(await (await fetch(`${url}/v/users/41`)).json(), { id: 42 })
      const bad = await fetch(`${url}/v/users/abc`)
      assert.equal(bad.status, 422)
      const badParams = await bad.json()
      assert.equal(badParams.code, 'WEFT_VALIDATION')
      assert.deepEqual([badParams.errors[0].in, badParams.errors[0].path], ['params', 'id'])
      assert.deepEqual(await (await fetch(`${url}/v/search?q=x`)).json(), { q: 'x', limit: 10 })
      const tooMany = await fetch(`${url}/v/search?q=x&limit=99`)
      assert.equal(tooMany.status, 422)
      const badQuery = await tooMany.json()
      assert.equal(badQuery.code, 'WEFT_VALIDATION')
      assert.deepEqual([badQuery.errors[0].in, badQuery.errors[0].path], ['query', 'limit'])
      const key = await fetch(`${url}/v/secure`, { headers: { 'x-api-key': 'abcd' } })
      assert.deepEqual(await key.json(), { key: 'abcd' })
      const noKey = await fetch(`${url}/v/secure`)
      assert.equal(noKey.status, 422)
      const badHeaders = await noKey.json()
      assert.equal(badHeaders.code, 'WEFT_VALIDATION')
      assert.deepEqual([badHeaders.errors[0].in, badHeaders.errors[0].path], ['headers', 'x-api-key'])
    },
  ],
]
