// SQLite that cannot take a write (locked by another writer, read-only, full) answers a
// request with a clear 503 problem, the process keeps serving, nothing is half-written,
// and the next write succeeds once the cause is gone.

import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { type Server, serve, weft } from 'weftjs'
import { connect, type Db } from 'weftjs/data'

describe('SQLite errors over HTTP', () => {
  let dir: string
  let db: Db
  let server: Server

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weft-sqlite-errors-'))
    // A short busy timeout: a locked database answers after 100 ms instead of 5 s.
    db = await connect(`sqlite:${join(dir, 'app.db')}?busyTimeout=100`)
    const notes = db.collection('notes')
    const app = weft()
    app.get('/notes', () => notes.find({}).toArray())
    app.post('/notes', async (ctx) => ctx.json((await notes.insertOne(await ctx.req.json())).document, 201))
    server = await serve(app, { port: 0 })
  })
  after(async () => {
    await server.close()
    await db.close()
    await rm(dir, { recursive: true, force: true })
  })

  const post = (doc: object) =>
    fetch(`${server.url}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(doc),
    })

  async function assertProblem(response: Response, code: string): Promise<void> {
    assert.equal(response.status, 503)
    assert.equal(response.headers.get('content-type'), 'application/problem+json')
    assert.equal(response.headers.get('retry-after'), '1')
    const problem = await response.json()
    assert.equal(problem.code, code)
    assert.match(problem.detail, /try again/)
    assert.equal(problem.stack, undefined)
  }

  test('another connection holding the write lock: 503 WEFT_DATA_BUSY, then the write goes through', async () => {
    const other = await connect(`sqlite:${join(dir, 'app.db')}`)
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let locked!: () => void
    const isLocked = new Promise<void>((resolve) => (locked = resolve))
    const holder = other.transaction(async () => {
      await other.collection('notes').insertOne({ _id: 'other' })
      locked()
      await held
    })
    await isLocked
    try {
      await assertProblem(await post({ _id: 'busy' }), 'WEFT_DATA_BUSY')
    } finally {
      release()
      await holder
      await other.close()
    }
    assert.equal((await post({ _id: 'busy' })).status, 201)
  })

  test('a read-only database: 503 WEFT_DATA_READ_ONLY for writes, reads still answer', async () => {
    const sqlite = rawConnection(db)
    sqlite.exec('PRAGMA query_only = 1')
    try {
      await assertProblem(await post({ _id: 'ro' }), 'WEFT_DATA_READ_ONLY')
      assert.equal((await fetch(`${server.url}/notes`)).status, 200)
    } finally {
      sqlite.exec('PRAGMA query_only = 0')
    }
    assert.equal((await post({ _id: 'ro' })).status, 201)
  })

  test('a full database: 503 WEFT_DATA_DISK_FULL, nothing half-written, earlier documents intact', async () => {
    const sqlite = rawConnection(db)
    const pages = Number(sqlite.statement('PRAGMA page_count').all([])[0].page_count)
    sqlite.exec(`PRAGMA max_page_count = ${pages}`)
    try {
      await assertProblem(await post({ _id: 'big', text: 'x'.repeat(200_000) }), 'WEFT_DATA_DISK_FULL')
    } finally {
      sqlite.exec('PRAGMA max_page_count = 1073741823')
    }
    const ids = ((await (await fetch(`${server.url}/notes`)).json()) as { _id: string }[]).map(
      (doc) => doc._id,
    )
    assert.ok(!ids.includes('big'))
    assert.ok(ids.includes('busy') && ids.includes('ro'))
    assert.equal((await post({ _id: 'big', text: 'x'.repeat(200_000) })).status, 201)
  })

  test('db.health() reports a working store, and a closed one as not ok', async () => {
    const health = await db.health()
    assert.equal(health.ok, true)
    assert.equal(health.kind, 'sqlite')
    const closed = await connect('sqlite::memory:')
    await closed.close()
    const down = await closed.health()
    assert.equal(down.ok, false)
    assert.equal(down.error?.code, 'WEFT_DATA_CLOSED')
  })
})

/** The store's own SQLite connection, to break it on purpose. */
function rawConnection(db: Db) {
  return (db.store as unknown as { db: { exec(sql: string): void; statement(sql: string): any } }).db
}
