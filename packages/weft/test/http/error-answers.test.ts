import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { HttpError, weft } from 'weftjs'

// The problem document each kind of thrown value answers with, member by member.

/** The answer to a request whose handler throws `error`, in production or in development. */
async function thrown(error: unknown, dev = false) {
  const app = weft({ logger: false, dev }).get('/', () => {
    throw error
  })
  const res = await app.request('/')
  return { status: res.status, headers: res.headers, problem: await res.json() }
}

/** RFC 9110's reason phrases (RFC 9457 titles) for the statuses Weft names. */
const titles: [number, string][] = [
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [408, 'Request Timeout'],
  [409, 'Conflict'],
  [410, 'Gone'],
  [411, 'Length Required'],
  [412, 'Precondition Failed'],
  [413, 'Content Too Large'],
  [414, 'URI Too Long'],
  [415, 'Unsupported Media Type'],
  [416, 'Range Not Satisfiable'],
  [422, 'Unprocessable Content'],
  [426, 'Upgrade Required'],
  [429, 'Too Many Requests'],
  [431, 'Request Header Fields Too Large'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
  [418, 'Client Error'],
  [599, 'Server Error'],
]

describe('error answers', () => {
  test('each status has its title; a 4xx without a message says its title as detail', async () => {
    assert.equal(titles.length, 26)
    for (const [status, title] of titles) {
      const answer = await thrown(new HttpError(status))
      const problem = answer.problem
      assert.equal(answer.status, status)
      assert.equal(problem.title, title, String(status))
      assert.equal(problem.type, 'about:blank')
      assert.equal(problem.status, status)
      assert.equal(problem.detail, status < 500 ? title : undefined, String(status))
    }
  })

  test('HttpError takes whole 4xx and 5xx statuses only', () => {
    for (const bad of [399, 600, 404.5, Number.NaN, 200]) {
      assert.throws(() => new HttpError(bad), /WEFT_BAD_STATUS: HttpError takes a 4xx or 5xx status/)
    }
    assert.equal(new HttpError(400).status, 400)
    assert.equal(new HttpError(599).status, 599)
    const cause = new Error('inner')
    const error = new HttpError(502, 'upstream', {}, { cause })
    assert.equal(error.cause, cause)
    assert.equal(error.name, 'HttpError')
    assert.equal(new HttpError(404).message, 'Not Found')
    assert.equal('cause' in new HttpError(404), false)
  })

  test('a 5xx message is shown only in development or when exposed; stacks only for 5xx in development', async () => {
    const hidden = await thrown(new HttpError(503, 'db at 10.0.0.7 is down'))
    assert.deepEqual(hidden.problem, {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      code: 'WEFT_UNAVAILABLE',
    })
    const exposed = await thrown(new HttpError(503, 'Back at noon', {}, { expose: true }))
    assert.equal(exposed.problem.detail, 'Back at noon')
    assert.equal(exposed.problem.stack, undefined)
    const dev = await thrown(new HttpError(500, 'broke'), true)
    assert.equal(dev.problem.detail, 'broke')
    assert.ok(Array.isArray(dev.problem.stack) && dev.problem.stack.length > 1)
    assert.equal(dev.problem.stack[0], 'HttpError: broke')
    const devPlain = await thrown(new TypeError('plain'), true)
    assert.equal(devPlain.problem.stack[0], 'TypeError: plain')
    const devClient = await thrown(new HttpError(404, 'nope'), true)
    assert.equal(devClient.problem.stack, undefined)
  })

  test('extras set type, title and code, and add their other members', async () => {
    const extras = { type: 'https://e.test/p', title: 'Mine', code: 'MINE', instance: '/x', retry: 3 }
    const { problem } = await thrown(new HttpError(409, 'taken', extras))
    assert.deepEqual(problem, { ...extras, status: 409, detail: 'taken' })
    const headers = (await thrown(new HttpError(429, 'slow', {}, { headers: { 'retry-after': '7' } })))
      .headers
    assert.equal(headers.get('retry-after'), '7')
    const serverHeaders = (await thrown(new HttpError(500, 'x', {}, { headers: { 'x-trace': 't1' } })))
      .headers
    assert.equal(serverHeaders.get('x-trace'), 't1')
    // Members set to undefined do not blank out the defaults.
    const blank = await thrown(
      new HttpError(400, 'x', { type: undefined, title: undefined, code: undefined }),
    )
    assert.deepEqual(blank.problem, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'WEFT_BAD_REQUEST',
      detail: 'x',
    })
  })

  test("another library's 4xx or 503 keeps its status, message, code and string headers", async () => {
    const conflict = Object.assign(new Error('Name taken'), {
      status: 409,
      code: 'NAME_TAKEN',
      headers: { 'x-hint': 'rename', 'x-num': 5 },
    })
    const answer = await thrown(conflict)
    assert.equal(answer.status, 409)
    assert.deepEqual(answer.problem, {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'NAME_TAKEN',
      detail: 'Name taken',
    })
    assert.equal(answer.headers.get('x-hint'), 'rename')
    assert.equal(answer.headers.get('x-num'), null)
    const down = await thrown(Object.assign(new Error('db down'), { status: 503, headers: null }))
    assert.deepEqual(
      [down.status, down.problem.detail, down.problem.code],
      [503, undefined, 'WEFT_UNAVAILABLE'],
    )
    const meant = await thrown(Object.assign(new Error('retry at noon'), { status: 503, expose: true }))
    assert.equal(meant.problem.detail, 'retry at noon')
    const notText = await thrown(Object.assign(new Error(), { status: 400, message: 42 }))
    assert.equal(notText.problem.detail, undefined)
    const exposedNotTrue = await thrown(Object.assign(new Error('inside'), { status: 503, expose: 'yes' }))
    assert.equal(exposedNotTrue.problem.detail, undefined)
  })

  test('statuses that are not client errors, and odd thrown values, answer 500', async () => {
    for (const status of [302, 404.5, 500, 399, '404']) {
      const error = Object.assign(new Error('inside'), { status, headers: { 'x-leak': '1' } })
      const answer = await thrown(error)
      assert.equal(answer.status, 500, String(status))
      assert.equal(answer.problem.detail, undefined, String(status))
      assert.equal(answer.headers.get('x-leak'), null, String(status))
    }
    const text = await thrown('a string', true)
    assert.deepEqual(
      [text.status, text.problem.detail, text.problem.code],
      [500, 'a string', 'WEFT_INTERNAL'],
    )
    assert.equal(text.problem.stack, undefined)
    const nothing = await thrown(null, true)
    assert.deepEqual([nothing.status, nothing.problem.detail], [500, 'null'])
    const object = await thrown({ message: 42 }, true)
    assert.equal(object.problem.detail, '[object Object]')
  })

  test('a registered WEFT_* code gives its status and stays; a server error’s own code does not', async () => {
    const notReady = await thrown(Object.assign(new Error('starting'), { code: 'WEFT_DI_NOT_READY' }))
    assert.deepEqual([notReady.status, notReady.problem.code], [503, 'WEFT_DI_NOT_READY'])
    const internal = await thrown(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))
    assert.deepEqual([internal.status, internal.problem.code], [500, 'WEFT_INTERNAL'])
    const numeric = await thrown(Object.assign(new Error('x'), { code: 42, status: 400 }))
    assert.deepEqual([numeric.status, numeric.problem.code], [400, 'WEFT_BAD_REQUEST'])
    const teapot = await thrown(Object.assign(new Error('x'), { status: 418 }))
    assert.deepEqual([teapot.status, teapot.problem.code], [418, 'WEFT_CLIENT_ERROR'])
  })

  test('a 404 or 405 of the router is an HttpError without a stack', async () => {
    const app = weft({ logger: false, dev: true }).post('/only-post', () => 'x')
    app.use(async (_ctx, next) => {
      await next()
    })
    const missing = await app.request('/nowhere')
    const problem = await missing.json()
    assert.deepEqual(
      [missing.status, problem.code, problem.detail, problem.stack],
      [404, 'WEFT_NOT_FOUND', 'No route for GET /nowhere', undefined],
    )
    const production = await weft({ logger: false }).request('/nowhere')
    assert.equal((await production.json()).detail, 'No route for GET /nowhere')
    const wrong = await app.request('/only-post')
    assert.equal(wrong.headers.get('allow'), 'POST, OPTIONS')
    let seen: unknown
    const hooked = weft({ logger: false }).onError((error, ctx) => {
      seen = error
      return ctx.json({ hooked: true }, 404)
    })
    await hooked.request('/nowhere')
    assert.ok(seen instanceof HttpError)
    assert.equal(seen.code, 'WEFT_NOT_FOUND')
    assert.equal(seen.name, 'HttpError')
    assert.equal(seen.stack, undefined)
  })
})
