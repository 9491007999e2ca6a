import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { HttpError, type Logger, weft } from 'weftjs'
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
      assert.equal(res.status, 500)
      const text = await res.text()
      assert.doesNotMatch(text, /hunter2|stack/)
      assert.deepEqual(JSON.parse(text), { type: 'about:blank', title: 'Internal Server Error', status: 500 })
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

  test('NODE_ENV=production is the default switch', async () => {
    const previous = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      assert.equal(weft().dev, false)
    } finally {
      process.env.NODE_ENV = previous
    }
    assert.equal(weft().dev, previous !== 'production')
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
