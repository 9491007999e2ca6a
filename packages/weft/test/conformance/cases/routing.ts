import assert from 'node:assert/strict'
import type { Case } from '../client.ts'

export const routing: Case[] = [
  [
    'static routes win over params, params are decoded',
    async ({ url }) => {
      assert.equal(await (await fetch(`${url}/`)).text(), 'root')
      assert.equal(await (await fetch(`${url}/users/new`)).text(), 'new-form')
      assert.deepEqual(await (await fetch(`${url}/users/42`)).json(), { id: '42' })
      assert.deepEqual(await (await fetch(`${url}/users/a%20b%2Fc`)).json(), { id: 'a b/c' })
    },
  ],
  [
    'a method only a param route has backtracks past the static route',
    async ({ url }) => {
      const res = await fetch(`${url}/users/new`, { method: 'DELETE' })
      assert.deepEqual(await res.json(), { deleted: 'new' })
    },
  ],
  [
    'several params and wildcards',
    async ({ url }) => {
      assert.deepEqual(await (await fetch(`${url}/users/7/posts/9`)).json(), { userId: '7', postId: '9' })
      assert.deepEqual(await (await fetch(`${url}/files/a/b/c.txt`)).json(), { rest: 'a/b/c.txt' })
      assert.deepEqual(await (await fetch(`${url}/files`)).json(), { rest: '' })
      assert.deepEqual(await (await fetch(`${url}/assets/css/x.css`)).json(), { path: 'css/x.css' })
    },
  ],
  [
    'a trailing slash reaches the same route',
    async ({ url }) => {
      assert.deepEqual(await (await fetch(`${url}/users/5/`)).json(), { id: '5' })
    },
  ],
  [
    '405 with Allow when the path exists under another method',
    async ({ url }) => {
      const res = await fetch(`${url}/items`)
      assert.equal(res.status, 405)
      assert.equal(res.headers.get('allow'), 'POST, OPTIONS')
      assert.equal(res.headers.get('content-type'), 'application/problem+json')
      const problem = await res.json()
      assert.equal(problem.status, 405)
      assert.equal(problem.code, 'WEFT_METHOD_NOT_ALLOWED')
    },
  ],
  [
    'OPTIONS on a known path answers 204 with Allow',
    async ({ url }) => {
      const res = await fetch(`${url}/users/1`, { method: 'OPTIONS' })
      assert.equal(res.status, 204)
      assert.equal(res.headers.get('allow'), 'GET, DELETE, HEAD, OPTIONS')
    },
  ],
  [
    '404 as problem+json when nothing matches',
    async ({ url }) => {
      const res = await fetch(`${url}/nothing/here`)
      assert.equal(res.status, 404)
      assert.equal(res.headers.get('content-type'), 'application/problem+json')
      const problem = await res.json()
      assert.deepEqual([problem.title, problem.code], ['Not Found', 'WEFT_NOT_FOUND'])
    },
  ],
  [
    'HEAD is served by the GET route, without a body but with its length',
    async ({ url }) => {
      const res = await fetch(`${url}/users/42`, { method: 'HEAD' })
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-length'), String('{"id":"42"}'.length))
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8')
      assert.equal(await res.text(), '')
      const unicode = await fetch(`${url}/unicode`, { method: 'HEAD' })
      assert.equal(unicode.headers.get('content-length'), String(Buffer.byteLength('héllo wörld ✓')))
    },
  ],
  [
    'all() answers every method; on() takes several',
    async ({ url }) => {
      for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
        assert.equal(await (await fetch(`${url}/any`, { method })).text(), method)
      }
      assert.equal(await (await fetch(`${url}/both`, { method: 'PATCH' })).text(), 'PATCH')
      assert.equal(await (await fetch(`${url}/both`, { method: 'PUT' })).text(), 'PUT')
      assert.equal((await fetch(`${url}/both`)).status, 405)
    },
  ],
  [
    'a mounted sub-app keeps its middleware to itself',
    async ({ url }) => {
      const res = await fetch(`${url}/api/users/3`)
      assert.deepEqual(await res.json(), { api: '3' })
      assert.equal(res.headers.get('x-api'), 'yes')
      assert.equal((await fetch(`${url}/users/3`)).headers.get('x-api'), null)
    },
  ],
]
