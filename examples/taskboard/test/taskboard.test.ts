import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Server, serve } from 'weftjs'
import { connect, DataUnavailableError, Db, type Store } from 'weftjs/data'
import { createApp } from '../src/app.ts'
import { DB } from '../src/modules/database.ts'

describe('taskboard example over a real socket, on the embedded SQLite store', () => {
  let server: Server
  const json = { 'content-type': 'application/json' }

  before(async () => {
    server = await serve(createApp('sqlite::memory:'), { port: 0 })
  })
  after(async () => {
    await server.close()
  })

  test('create, read, update, list and delete a task', async () => {
    const created = await fetch(`${server.url}/api/tasks`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ title: '  Ship it ', tags: ['release'] }),
    })
    assert.equal(created.status, 201)
    const task = await created.json()
    assert.equal(task.title, 'Ship it')
    assert.equal(task.done, false)
    assert.equal(created.headers.get('location'), `/api/tasks/${task._id}`)
    assert.match(created.headers.get('server-timing') ?? '', /^app;dur=/)

    const read = await fetch(`${server.url}/api/tasks/${task._id}`)
    assert.deepEqual(await read.json(), task)

    const patched = await fetch(`${server.url}/api/tasks/${task._id}`, {
      method: 'PATCH',
      headers: json,
      body: JSON.stringify({ done: true }),
    })
    assert.equal((await patched.json()).done, true)

    const listed = await (await fetch(`${server.url}/api/tasks?done=true&tag=release`)).json()
    assert.deepEqual(
      listed.map((t: { _id: string }) => t._id),
      [task._id],
    )

    assert.equal((await fetch(`${server.url}/api/tasks/${task._id}`, { method: 'DELETE' })).status, 204)
    assert.equal((await fetch(`${server.url}/api/tasks/${task._id}`)).status, 404)
  })

  test('bad input is answered with problem+json and changes nothing', async () => {
    const before = await (await fetch(`${server.url}/api/tasks`)).json()
    const invalid = await fetch(`${server.url}/api/tasks`, {
      method: 'POST',
      headers: json,
      body: '{"title":""}',
    })
    assert.equal(invalid.status, 422)
    assert.equal((await invalid.json()).errors[0].path, 'title')
    const malformed = await fetch(`${server.url}/api/tasks`, {
      method: 'POST',
      headers: json,
      body: '{"title":',
    })
    assert.equal(malformed.status, 400)
    const injected = await fetch(`${server.url}/api/tasks`, {
      method: 'POST',
      headers: json,
      body: '{"title":"x","__proto__":{"admin":true}}',
    })
    assert.equal(injected.status, 400)
    assert.equal((await fetch(`${server.url}/api/tasks/not-an-id`)).status, 422)
    assert.equal((await fetch(`${server.url}/api/tasks?limit=1000`)).status, 422)
    assert.deepEqual(await (await fetch(`${server.url}/api/tasks`)).json(), before)
  })

  test('the stats module reads tasks through the tasks module', async () => {
    const stats = async () => {
      const res = await fetch(`${server.url}/api/stats`, { headers: { 'x-user': 'ada' } })
      assert.equal(res.headers.get('cache-control'), 'no-store')
      return res.json()
    }
    const before = await stats()
    assert.equal(before.for, 'ada')
    // Three new tasks, one of them done: the counts move by exactly that.
    const ids: string[] = []
    for (const title of ['one', 'two', 'three']) {
      const res = await fetch(`${server.url}/api/tasks`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ title }),
      })
      ids.push((await res.json())._id)
    }
    await fetch(`${server.url}/api/tasks/${ids[0]}`, {
      method: 'PATCH',
      headers: json,
      body: '{"done":true}',
    })
    const after = await stats()
    assert.deepEqual(after, {
      total: before.total + 3,
      done: before.done + 1,
      open: before.open + 2,
      for: 'ada',
    })
    const all = await (await fetch(`${server.url}/api/tasks?limit=100`)).json()
    assert.equal(after.total, all.length)
    assert.equal(after.done, all.filter((task: { done: boolean }) => task.done).length)
  })

  test('liveness and readiness probes: /healthz and /readyz', async () => {
    const live = await fetch(`${server.url}/healthz`)
    assert.equal(live.status, 200)
    assert.deepEqual(await live.json(), { status: 'ok' })
    const ready = await fetch(`${server.url}/readyz`)
    assert.equal(ready.status, 200)
    const body = await ready.json()
    assert.equal(body.status, 'ready')
    assert.equal(body.database.kind, 'sqlite')
  })

  test('the home page is HTML', async () => {
    const res = await fetch(server.url)
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8')
    assert.match(await res.text(), /<h1>Taskboard<\/h1>/)
  })
})

describe('taskboard whose database cannot answer', () => {
  test('/readyz answers 503 while /healthz and pages that need no database still answer', async () => {
    // A store that works but whose server is unreachable for now: the probe must say so,
    // and the process must keep serving.
    const memory = (await connect('memory:')).store
    const unreachable: Store = {
      kind: 'postgres',
      collection: (name) => memory.collection(name),
      transaction: (fn) => memory.transaction(fn),
      close: () => memory.close(),
      ping: () => Promise.reject(new DataUnavailableError('The database is unreachable.')),
    }
    const server = await serve(createApp('memory:', { override: [[DB, new Db(unreachable)]] }), { port: 0 })
    try {
      const ready = await fetch(`${server.url}/readyz`)
      assert.equal(ready.status, 503)
      assert.equal(ready.headers.get('retry-after'), '1')
      const body = await ready.json()
      assert.equal(body.status, 'unavailable')
      assert.equal(body.database.error, 'WEFT_DATA_UNAVAILABLE')
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200)
      assert.equal((await fetch(server.url)).status, 200)
    } finally {
      await server.close()
    }
  })
})
