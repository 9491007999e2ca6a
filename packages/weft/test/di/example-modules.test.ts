import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { serve } from 'weftjs'
import { createApp as createModularApp } from '../../../../examples/taskboard/src/app.ts'
import { StatsService } from '../../../../examples/taskboard/src/modules/stats.ts'

describe('the modular taskboard example', () => {
  test('two modules with injected services, over a real socket, closing the database on close()', async () => {
    const server = await serve(createModularApp('memory:'), { port: 0 })
    try {
      const created = await fetch(`${server.url}/api/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Split into modules' }),
      })
      assert.equal(created.status, 201)
      const task = await created.json()
      assert.equal(
        (await (await fetch(`${server.url}/api/tasks/${task._id}`)).json()).title,
        'Split into modules',
      )
      const stats = await fetch(`${server.url}/api/stats`, { headers: { 'x-user': 'ada' } })
      assert.deepEqual(await stats.json(), { total: 1, done: 0, open: 1, for: 'ada' })
      assert.equal(stats.headers.get('cache-control'), 'no-store')
    } finally {
      await server.close()
    }
  })

  test('a test can override a service of the stats module, in-process', async () => {
    const fake = { summary: async () => ({ total: 9, done: 9, open: 0 }) }
    const app = createModularApp('memory:', { override: [[StatsService, fake]] })
    assert.deepEqual(await (await app.request('/api/stats')).json(), {
      total: 9,
      done: 9,
      open: 0,
      for: 'anonymous',
    })
    await app.close()
  })
})
