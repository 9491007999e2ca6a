// PostgreSQL stops and starts under a running app: the process stays up, requests that
// need the database answer 503 in bounded time, serving resumes by itself, a watcher sees
// every change made around the outage, and acknowledged writes survive a crash. These
// tests stop their own server (postgres-cluster.ts), never the shared one.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Server, serve, weft } from 'weftjs'
import { type ChangeEvent, connect } from 'weftjs/data'
import { killAndCheck } from './durability.ts'
import { type TempCluster, tempCluster } from './postgres-cluster.ts'

const CONNECT_TIMEOUT = 1000
const STATEMENT_TIMEOUT = 2000
// What a request may take while the database is down: the connect timeout plus slack
// for a loaded machine. Never a hang.
const OUTAGE_ANSWER_BOUND = CONNECT_TIMEOUT + 1500

interface Poll {
  at: number
  status: number
  ms: number
  code?: string
  retryAfter: string | null
}

describe('PostgreSQL restarts under a running app', { timeout: 60_000 }, () => {
  let cluster: TempCluster | string
  before(async () => {
    cluster = await tempCluster()
  })
  after(async () => {
    if (typeof cluster !== 'string') await cluster.remove()
  })

  test('no crash, 503 within the bound while down, serving again at once, the watcher misses nothing', async (t) => {
    if (typeof cluster === 'string') return t.skip(cluster)
    const pg = cluster
    const url = `${pg.url}?connectTimeout=${CONNECT_TIMEOUT}&statementTimeout=${STATEMENT_TIMEOUT}`
    const db = await connect(url)
    // Another instance of the app, writing to the same database.
    const other = await connect(url)
    const notes = db.collection('notes')
    const app = weft()
    app.get('/alive', () => 'ok')
    app.get('/notes', () => notes.find({}, { sort: { n: 1 } }).toArray())
    app.post('/notes', async (ctx) => ctx.json((await notes.insertOne(await ctx.req.json())).document, 201))
    const server = await serve(app, { port: 0 })
    const seen: ChangeEvent[] = []
    const watching = collect(notes.watch(), seen)
    const polls: Poll[] = []
    let polling = true
    const poller = (async () => {
      while (polling) {
        polls.push(await get(server, '/notes'))
        await sleep(100)
      }
    })()
    try {
      // Before: written through the app, seen by the watcher.
      for (const n of [1, 2]) assert.equal((await post(server, { _id: `before-${n}`, n })).status, 201)
      await other.collection('notes').insertOne({ _id: 'before-3', n: 3 })
      await until(() => seen.length >= 3, 'the watcher to see the writes before the outage')

      await pg.stop('fast')
      const downAt = Date.now()
      const health = await db.health()
      assert.equal(health.ok, false)
      assert.equal(health.error?.code, 'WEFT_DATA_UNAVAILABLE')
      // Whatever does not need the database still answers.
      assert.equal((await get(server, '/alive')).status, 200)
      const write = await post(server, { _id: 'lost', n: 0 })
      assert.equal(write.status, 503)
      assert.equal(write.code, 'WEFT_DATA_UNAVAILABLE')
      await sleep(1500)

      await pg.start()
      const upAt = Date.now()
      // The first request after the database is back succeeds.
      const first = await get(server, '/notes')
      assert.equal(first.status, 200, `the first request after the restart answered ${first.status}`)
      // After: another instance writes at once, while this one's change feed may still be
      // reconnecting; the watcher must see these too.
      const feedAtWrite = (await db.health()).changeFeed
      const others = other.collection('notes')
      await others.insertMany([
        { _id: 'after-1', n: 4 },
        { _id: 'after-2', n: 5 },
      ])
      await others.updateOne({ _id: 'after-1' }, { $set: { edited: true } })
      await others.deleteOne({ _id: 'before-1' })
      assert.equal((await post(server, { _id: 'after-3', n: 6 })).status, 201)

      await until(
        () =>
          seen.some((event) => event.type === 'delete' && event.id === 'before-1') &&
          seen.some((event) => event.id === 'after-3'),
        'the watcher to see the writes after the outage',
      )
      polling = false
      await poller

      const during = polls.filter((poll) => poll.at >= downAt && poll.at < upAt)
      assert.ok(during.length >= 3, `only ${during.length} polls while the database was down`)
      for (const poll of during) {
        if (poll.status === 200) continue // answered before the server noticed the stop
        assert.equal(poll.status, 503, `a poll during the outage answered ${poll.status}`)
        assert.equal(poll.code, 'WEFT_DATA_UNAVAILABLE')
        assert.equal(poll.retryAfter, '1')
        assert.ok(poll.ms < OUTAGE_ANSWER_BOUND, `a 503 took ${poll.ms} ms`)
      }
      assert.ok(during.some((poll) => poll.status === 503))
      const recovered = polls.find((poll) => poll.at >= upAt && poll.status === 200)
      assert.ok(recovered, 'serving resumed')
      assert.ok(polls.filter((poll) => poll.at >= upAt).every((poll) => poll.status === 200))

      const events = seen.map((event) => `${event.type} ${event.id}`)
      for (const expected of [
        'insert before-1',
        'insert before-2',
        'insert before-3',
        'insert after-1',
        'insert after-2',
        'update after-1',
        'delete before-1',
        'insert after-3',
      ]) {
        assert.ok(events.includes(expected), `the watcher missed "${expected}"; it saw ${events.join(', ')}`)
      }
      assert.ok(!events.includes('insert lost'))
      const final = (await (await fetch(`${server.url}/notes`)).json()) as { _id: string }[]
      assert.deepEqual(
        final.map((doc) => doc._id),
        ['before-2', 'before-3', 'after-1', 'after-2', 'after-3'],
      )
      t.diagnostic(
        `first 200 from the poller ${recovered.at - upAt} ms after PostgreSQL accepted connections; ` +
          `change feed at the first write after the restart: ${feedAtWrite}`,
      )
      assert.equal((await db.health()).ok, true)
    } finally {
      polling = false
      await poller
      await server.close()
      await db.close()
      await other.close()
      await watching
    }
  })

  test('writes acknowledged before PostgreSQL crashes are there after it restarts', async (t) => {
    if (typeof cluster === 'string') return t.skip(cluster)
    const pg = cluster
    // The writer is SIGKILLed, then PostgreSQL is killed without a checkpoint (-m immediate)
    // and restarted: crash recovery from the WAL must bring back every acknowledged write.
    const checked = await killAndCheck(pg.url, 200, async () => {
      await pg.stop('immediate')
      await pg.start()
    })
    assert.ok(checked >= 200)
  })
})

async function collect(feed: AsyncIterableIterator<ChangeEvent>, into: ChangeEvent[]): Promise<void> {
  try {
    for await (const event of feed) into.push(event)
  } catch {
    // The feed ends when the database is closed.
  }
}

function get(server: Server, path: string): Promise<Poll> {
  return request(server, path, {})
}

function post(server: Server, doc: object): Promise<Poll> {
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) }
  return request(server, '/notes', init)
}

async function request(server: Server, path: string, init: RequestInit): Promise<Poll> {
  const started = Date.now()
  const response = await fetch(`${server.url}${path}`, init)
  const problem = response.headers.get('content-type') === 'application/problem+json'
  const body = (problem ? await response.json() : await response.text()) as { code?: string }
  return {
    at: started,
    status: response.status,
    ms: Date.now() - started,
    code: body.code,
    retryAfter: response.headers.get('retry-after'),
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
