import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ClientError, client, fillPath } from 'weftjs/client'

// What the typed client puts on the wire and how it reads answers, seen through its
// `fetch` option: every request is recorded and answered in-process. The round trip
// through a real server is in typed-client.test.ts.

type AnyClient = Record<
  'get' | 'post' | 'put' | 'patch' | 'delete',
  (path: string, input?: object) => Promise<unknown>
>

function recording(answer: (request: Request) => Response = () => Response.json({ ok: true })) {
  const requests: Request[] = []
  const make = (base: string, headers?: Record<string, string>) =>
    client<unknown>(base, {
      headers,
      fetch: async (request) => {
        requests.push(request)
        return answer(request)
      },
    }) as unknown as AnyClient
  return { requests, make }
}

describe('typed client requests', () => {
  test('the base URL loses its trailing slashes, keeps its path', async () => {
    const { requests, make } = recording()
    await make('http://h.test//').get('/users')
    await make('http://h.test/api/').get('/users')
    await make('http://h.test/api').get('/')
    assert.deepEqual(
      requests.map((r) => r.url),
      ['http://h.test/users', 'http://h.test/api/users', 'http://h.test/api/'],
    )
  })

  test('fillPath fills named params, wildcards and named wildcards, and names a missing one', () => {
    assert.equal(fillPath('/users/:id/posts/:postId', { id: 'a b', postId: 7 }), '/users/a%20b/posts/7')
    assert.equal(fillPath('/files/*', { '*': 'a b/c.txt' }), '/files/a%20b/c.txt')
    assert.equal(fillPath('/assets/*path2', { path2: 'css/x y.css' }), '/assets/css/x%20y.css')
    assert.equal(fillPath('/static', {}), '/static')
    assert.throws(
      () => fillPath('/users/:id', {}),
      (error: Error) =>
        error instanceof TypeError &&
        error.message === 'WEFT_CLIENT_MISSING_PARAM: :id in /users/:id needs params.id',
    )
    assert.throws(() => fillPath('/assets/*path', { '*': 'x' }), /needs params\.path/)
  })

  test('the query skips undefined, repeats arrays and is left off when empty', async () => {
    const { requests, make } = recording()
    const api = make('http://h.test')
    await api.get('/s', { query: { a: 1, b: undefined, tag: ['x', 'y'], ok: true } })
    await api.get('/s', { query: { only: undefined } })
    await api.get('/s', { query: {} })
    await api.get('/s')
    assert.deepEqual(
      requests.map((r) => r.url),
      ['http://h.test/s?a=1&tag=x&tag=y&ok=true', 'http://h.test/s', 'http://h.test/s', 'http://h.test/s'],
    )
  })

  test('headers: the client’s, then the call’s; a body is JSON with its content type, no body sends none', async () => {
    const { requests, make } = recording()
    const api = make('http://h.test', { authorization: 'Bearer a', 'x-app': 'one' })
    await api.post('/items', { body: { name: 'x' }, headers: { 'x-app': 'two' } })
    await api.delete('/items/1')
    await api.put('/items/1', { body: null })
    const [post, del, put] = requests
    assert.deepEqual(
      [post.method, post.headers.get('authorization'), post.headers.get('x-app')],
      ['POST', 'Bearer a', 'two'],
    )
    assert.equal(post.headers.get('content-type'), 'application/json')
    assert.equal(await post.text(), '{"name":"x"}')
    assert.deepEqual([del.method, del.headers.get('content-type'), del.body], ['DELETE', null, null])
    assert.deepEqual([put.headers.get('content-type'), await put.text()], ['application/json', 'null'])
    const patched = recording()
    await patched.make('http://h.test').patch('/x', { body: 1 })
    assert.equal(patched.requests[0].method, 'PATCH')
  })

  test('answers are read by status and content type', async () => {
    const answers: Record<string, () => Response> = {
      '/none': () => new Response(null, { status: 204 }),
      '/reset': () => new Response(null, { status: 205 }),
      '/json': () => Response.json({ a: 1 }),
      '/problem': () => new Response('{"a":2}', { headers: { 'content-type': 'application/vnd.x+json' } }),
      '/text': () => new Response('hi', { headers: { 'content-type': 'text/plain; charset=utf-8' } }),
      '/html': () => new Response('<p>', { headers: { 'content-type': 'text/html' } }),
      '/bytes': () =>
        new Response(new Uint8Array([1, 2]), { headers: { 'content-type': 'application/octet-stream' } }),
      '/untyped': () => new Response(new Uint8Array([3])),
    }
    const { make } = recording((request) => answers[new URL(request.url).pathname]())
    const api = make('http://h.test')
    assert.equal(await api.get('/none'), undefined)
    assert.equal(await api.get('/reset'), undefined)
    assert.deepEqual(await api.get('/json'), { a: 1 })
    assert.deepEqual(await api.get('/problem'), { a: 2 })
    assert.equal(await api.get('/text'), 'hi')
    assert.equal(await api.get('/html'), '<p>')
    assert.deepEqual(await api.get('/bytes'), new Uint8Array([1, 2]))
    assert.deepEqual(await api.get('/untyped'), new Uint8Array([3]))
  })

  test('a non-2xx answer is a ClientError, also when its body is not a problem document', async () => {
    const answers: Record<string, () => Response> = {
      '/problem': () =>
        Response.json(
          { type: 'about:blank', title: 'Conflict', status: 409, detail: 'Taken' },
          { status: 409 },
        ),
      '/titled': () => Response.json({ title: 'Gone' }, { status: 410 }),
      '/bare': () => Response.json({}, { status: 500 }),
      '/html': () => new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' }),
    }
    const { make } = recording((request) => answers[new URL(request.url).pathname]())
    const api = make('http://h.test')
    const failure = (path: string) =>
      api.get(path).then(
        () => assert.fail(`${path} should fail`),
        (e: unknown) => e as ClientError,
      )
    const problem = await failure('/problem')
    assert.ok(problem instanceof ClientError)
    assert.deepEqual([problem.name, problem.status, problem.message], ['ClientError', 409, 'Taken'])
    assert.equal((await failure('/titled')).message, 'Gone')
    assert.equal((await failure('/bare')).message, 'HTTP 500')
    const html = await failure('/html')
    assert.deepEqual(html.problem, {
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
      detail: '<h1>Bad gateway</h1>',
    })
    assert.equal(html.message, '<h1>Bad gateway</h1>')
    assert.equal(html.response.status, 502)
  })
})
