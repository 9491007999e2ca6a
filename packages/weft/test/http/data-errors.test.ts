import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { weft } from 'weftjs'
import { connect } from 'weftjs/data'
import { withServer } from '../helpers/server.ts'

describe('data errors reaching a route', () => {
  test('operator injection through a JSON body is refused with 400; duplicates answer 409', async () => {
    const db = await connect('memory:')
    const users = db.collection('users')
    await users.createIndex({ name: 1 }, { unique: true })
    await users.insertOne({ name: 'ada', password: 'secret' })
    const app = weft({ logger: false })
    app.post('/login', async (ctx) => {
      const body = (await ctx.parseBody()) as { name: unknown; password: unknown }
      const user = await users.findOne({ name: body.name, password: body.password })
      return { ok: user !== null }
    })
    app.post('/users', async (ctx) => {
      const body = (await ctx.parseBody()) as { name: string }
      await users.insertOne({ name: body.name })
      return ctx.json({ created: body.name }, 201)
    })
    await withServer(app, async ({ url }) => {
      const post = (path: string, body: unknown) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      assert.deepEqual(await (await post('/login', { name: 'ada', password: 'secret' })).json(), { ok: true })
      const injected = await post('/login', { name: 'ada', password: { $ne: null } })
      assert.equal(injected.status, 400)
      assert.equal((await injected.json()).code, 'WEFT_DATA_OPERATOR_INJECTION')
      const duplicate = await post('/users', { name: 'ada' })
      assert.equal(duplicate.status, 409)
      assert.equal((await duplicate.json()).code, 'WEFT_DATA_DUPLICATE_KEY')
    })
    await db.close()
  })
})
