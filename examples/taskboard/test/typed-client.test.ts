import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Server, serve } from 'weftjs'
import { ClientError, client } from 'weftjs/client'
import { createApp, type Taskboard } from '../src/app.ts'

// The taskboard's routes live in DI modules; the typed client reaches them all, and the
// app serves its OpenAPI document and reference page.
describe('the taskboard through weftjs/client', () => {
  let server: Server
  before(async () => {
    server = await serve(createApp('sqlite::memory:'), { port: 0 })
  })
  after(async () => {
    await server.close()
  })

  test('create, read, update, list and delete a task with the typed client', async () => {
    const api = client<Taskboard>(server.url)
    const task = await api.post('/api/tasks', { body: { title: ' Ship it ', tags: ['release'] } })
    assert.equal(task.title, 'Ship it')
    // A created document's _id is a string: it goes straight into the typed params.
    const id: string = task._id
    assert.deepEqual(await api.get('/api/tasks/:id', { params: { id } }), task)
    const done = await api.patch('/api/tasks/:id', { params: { id }, body: { done: true } })
    assert.equal(done.done, true)
    const listed = await api.get('/api/tasks', { query: { done: 'true', tag: 'release' } })
    assert.deepEqual(
      listed.map((t) => t._id),
      [id],
    )
    const stats = await api.get('/api/stats')
    assert.deepEqual({ total: stats.total, done: stats.done }, { total: 1, done: 1 })
    await api.delete('/api/tasks/:id', { params: { id } })
    const missing = await api.get('/api/tasks/:id', { params: { id } }).catch((e: unknown) => e)
    assert.ok(missing instanceof ClientError)
    assert.equal(missing.status, 404)
    assert.equal(missing.problem.code, 'TASK_NOT_FOUND')
  })

  test('serves its OpenAPI document with the module routes, and the reference page', async () => {
    const document = await (await fetch(`${server.url}/openapi.json`)).json()
    for (const path of ['/api/stats', '/api/tasks', '/api/tasks/{id}']) assert.ok(document.paths[path], path)
    assert.ok(document.paths['/api/tasks'].post.requestBody)
    const page = await fetch(`${server.url}/docs`)
    assert.equal(page.status, 200)
    assert.match(await page.text(), /Taskboard/)
  })
})
