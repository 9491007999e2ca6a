import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { HttpError, type Logger, weft } from 'weftjs'
import { assertBareInternalError } from '../conformance/client.ts'
import { withServer } from '../helpers/server.ts'

function recordingLogger() {
  const entries: { level: string; fields: Record<string, unknown>; message?: string }[] = []
  const record = (level: string) => (fields: object, message?: string) =>
    entries.push({ level, fields: fields as Record<string, unknown>, message })
  const logger: Logger = { error: record('error'), warn: record('warn'), info: record('info') }
  return { logger, entries }
}

describe('errors are RFC 9457 problem documents', () => {
  test('an unexpected throw in production answers 500 without message or stack, and is logged', async () => {
    const { logger, entries } = recordingLogger()
    const app = weft({ logger, dev: false })
    app.get('/', () => {
      throw new Error('database password is hunter2')
    })
    await withServer(app, async ({ url }) => {
      const res = await fetch(url)
      await assertBareInternalError(res)
    })
    assert.equal(entries.length, 1)
    assert.equal(entries[0].level, 'error')
    assert.match(String((entries[0].fields.err as { message: string }).message), /hunter2/)
  })

  test('in development the message and stack are shown', async () => {
    const app = weft({ logger: false, dev: true })
    app.get('/', async () => {
      throw new TypeError('oops')
    })
    const problem = await (await app.request('/')).json()
    assert.equal(problem.detail, 'oops')
    assert.ok(Array.isArray(problem.stack))
  })

  test('development is on only when asked for: NODE_ENV=development or dev: true', () => {
    const previous = process.env.NODE_ENV
    try {
      delete process.env.NODE_ENV
      assert.equal(weft().dev, false, 'no NODE_ENV is production')
      process.env.NODE_ENV = 'test'
      assert.equal(weft().dev, false)
      process.env.NODE_ENV = 'production'
      assert.equal(weft().dev, false)
      assert.equal(weft({ dev: true }).dev, true)
      process.env.NODE_ENV = 'development'
      assert.equal(weft().dev, true)
      assert.equal(weft({ dev: false }).dev, false)
    } finally {
      if (previous === undefined) delete process.env.NODE_ENV
      else process.env.NODE_ENV = previous
    }
  })

  test('every error answer has a stable code: the one given, else the default of its status', async () => {
    const app = weft({ logger: false })
    app.get('/plain/:status', (ctx) => {
      throw new HttpError(Number(ctx.params.status), 'no such thing')
    })
    app.get('/own', () => {
      throw new HttpError(404, 'no such user', { code: 'USER_NOT_FOUND' })
    })
    app.get('/foreign', () => {
      throw Object.assign(new Error('taken'), { status: 409 })
    })
    const codeOf = async (path: string) => (await (await app.request(path)).json()).code
    assert.equal(await codeOf('/plain/404'), 'WEFT_NOT_FOUND')
    assert.equal(await codeOf('/plain/401'), 'WEFT_UNAUTHORIZED')
    assert.equal(await codeOf('/plain/503'), 'WEFT_UNAVAILABLE')
    assert.equal(await codeOf('/plain/418'), 'WEFT_CLIENT_ERROR')
    assert.equal(await codeOf('/plain/599'), 'WEFT_SERVER_ERROR')
    assert.equal(await codeOf('/own'), 'USER_NOT_FOUND')
    assert.equal(await codeOf('/foreign'), 'WEFT_CONFLICT')
    assert.equal(await codeOf('/nowhere'), 'WEFT_NOT_FOUND')
    assert.equal(new HttpError(400).code, 'WEFT_BAD_REQUEST')
  })

  test('an error carrying a registered WEFT_* code answers with the status the registry gives it', async () => {
    const app = weft({ logger: false })
    app.get('/', () => {
      throw Object.assign(new Error('secret detail'), { code: 'WEFT_DI_NOT_READY' })
    })
    const res = await app.request('/')
    assert.equal(res.status, 503)
    const problem = await res.json()
    assert.equal(problem.code, 'WEFT_DI_NOT_READY')
    assert.equal(problem.detail, undefined, 'a server error hides its message in production')
  })

  test("a server error's own code (an SQLSTATE, ECONNREFUSED) stays inside: the answer says WEFT_INTERNAL", async () => {
    const app = weft({ logger: false })
    app.get('/', () => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' })
    })
    const problem = await (await app.request('/')).json()
    assert.equal(problem.code, 'WEFT_INTERNAL')
    assert.doesNotMatch(JSON.stringify(problem), /ECONNREFUSED|10\.0\.0\.5/)
  })

  test('4xx errors are not logged as failures', async () => {
    const { logger, entries } = recordingLogger()
    const app = weft({ logger })
    app.get('/', () => {
      throw new HttpError(404)
    })
    assert.equal((await app.request('/')).status, 404)
    assert.equal(entries.length, 0)
  })

  test('onError replaces the default answer', async () => {
    const app = weft({ logger: false })
    app.onError((error, ctx) => ctx.json({ oops: (error as Error).message }, 418))
    app.get('/', () => {
      throw new Error('custom')
    })
    const res = await app.request('/')
    assert.equal(res.status, 418)
    assert.deepEqual(await res.json(), { oops: 'custom' })
  })

  test('HttpError refuses statuses that are not errors', () => {
    assert.throws(() => new HttpError(200), /WEFT_BAD_STATUS/)
  })
})
