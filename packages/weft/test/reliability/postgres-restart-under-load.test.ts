// PostgreSQL stopped and started while writers keep the app busy: every write the app
// acknowledged (201) is in the database afterwards, every other one answered 503
// WEFT_DATA_UNAVAILABLE within the connect timeout (no hang), and writing resumes by
// itself. A private server (../data/postgres-cluster.ts), never the shared one. Watchers
// across an outage are covered in ../data/postgres-outage.test.ts, kill -9 durability in
// ../data/postgres-durability.test.ts.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { serve, weft } from 'weftjs'
import { connect } from 'weftjs/data'
import { type TempCluster, tempCluster } from '../data/postgres-cluster.ts'

const CONNECT_TIMEOUT = 1000
const ANSWER_BOUND = CONNECT_TIMEOUT + 2500
const WRITERS = 8
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Write {
  id: string
  status: number
  code?: string
  ms: number
}

describe('PostgreSQL restarted under write load', { timeout: 90_000 }, () => {
  let cluster: TempCluster | string
  before(async () => {
    cluster = await tempCluster()
  })
  after(async () => {
    if (typeof cluster !== 'string') await cluster.remove()
  })

  for (const mode of ['fast', 'immediate'] as const) {
    test(`stop -m ${mode}: acknowledged writes kept, the rest 503 in bounded time, writing resumes`, async (t) => {
      if (typeof cluster === 'string') return t.skip(cluster)
      const pg = cluster
      const db = await connect(`${pg.url}?connectTimeout=${CONNECT_TIMEOUT}&statementTimeout=2000`)
      const notes = db.collection(`load_${mode}`)
      const app = weft({ logger: false })
      app.post('/notes', async (ctx) => ctx.json((await notes.insertOne(await ctx.req.json())).document, 201))
      const server = await serve(app, { port: 0 })
      const writes: Write[] = []
      let writing = true
      const writer = async (w: number) => {
        for (let n = 0; writing && n < 2000; n++) {
          const id = `${w}-${n}`
          const started = Date.now()
          const res = await fetch(`${server.url}/notes`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ _id: id, w, n }),
          })
          const body = (await res.json()) as { code?: string }
          writes.push({ id, status: res.status, code: body.code, ms: Date.now() - started })
          if (res.status !== 201) await sleep(50)
        }
      }
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w))
      try {
        await sleep(1000)
        await pg.stop(mode)
        await sleep(1500)
        await pg.start()
        const upAt = Date.now()
        while (Date.now() - upAt < 10_000 && !writes.slice(-WRITERS).every((w) => w.status === 201))
          await sleep(100)
        await sleep(500)
        writing = false
        await Promise.all(writers)

        const acknowledged = writes.filter((w) => w.status === 201).map((w) => w.id)
        const refused = writes.filter((w) => w.status !== 201)
        assert.ok(refused.length > 0, 'no write noticed the outage')
        for (const w of refused) {
          assert.equal(w.status, 503, `${w.id}: ${w.status} ${w.code}`)
          assert.equal(w.code, 'WEFT_DATA_UNAVAILABLE')
          assert.ok(w.ms < ANSWER_BOUND, `${w.id} took ${w.ms} ms to fail`)
        }
        assert.ok(
          writes.slice(-WRITERS).every((w) => w.status === 201),
          'writing did not resume',
        )
        const stored = new Set((await notes.find({}).toArray()).map((doc) => String(doc._id)))
        const missing = acknowledged.filter((id) => !stored.has(id))
        assert.deepEqual(missing, [], 'acknowledged writes lost')
        t.diagnostic(`${acknowledged.length} acknowledged and kept, ${refused.length} refused with 503`)
      } finally {
        writing = false
        await Promise.all(writers)
        await server.close()
        await db.close()
      }
    })
  }
})
