// Resume: a client that reconnects (to another instance, or to one restarted after a
// kill) resubscribes with a digest per document it holds and receives only what changed
// meanwhile; its documents then equal a fresh find(), nothing lost and nothing doubled.
import assert from 'node:assert/strict'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { serve, weft } from 'weftjs'
import { realtimeClient } from 'weftjs/client'
import { connect, type Db } from 'weftjs/data'
import WebSocket from 'ws'
import { type PostgresEnv, postgresEnv } from '../../data/postgres-env.ts'
import { type ListeningProgram, startListening } from '../../helpers/program.ts'
import { eventually, rawClient, type Served, serveLive } from '../helpers.ts'
import { makeLive, type Task } from './app.ts'

const here = dirname(fileURLToPath(import.meta.url))

/** A WebSocket class for the client that records every frame it receives. */
function recordingSocket(into: Record<string, any>[]) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string[]) {
      super(url, protocols)
      this.on('message', (data) => into.push(JSON.parse(String(data))))
    }
  } as unknown as typeof globalThis.WebSocket
}

const task = (id: string, title: string, owner = 'ann'): Task => ({
  _id: id,
  board: 'r',
  title,
  done: false,
  owner,
  secret: 'x',
})

/** What the `tasks` publication sends of a fresh find(), in its order. */
async function fresh(db: Db, collection: string, owner = 'ann') {
  const docs = await db
    .collection<Task>(collection)
    .find(
      { board: 'r', owner },
      { sort: { title: 1 }, projection: { board: 1, title: 1, done: 1, owner: 1 } },
    )
    .toArray()
  return docs
}

describe('resume on PostgreSQL', () => {
  let env: PostgresEnv | string
  let dbA: Db
  let dbB: Db
  before(async () => {
    env = await postgresEnv('resume')
    if (typeof env === 'string') return
    dbA = await connect(env.url)
    dbB = await connect(env.url)
  })
  after(async () => {
    if (typeof env === 'string') return
    await dbA.close()
    await dbB.close()
    await env.drop()
  })

  test('a client that reconnects to another instance gets only what it missed, and holds what find() returns', async (t) => {
    if (typeof env === 'string') return t.skip(env)
    const collection = 'resume_two'
    const tasks = dbB.collection<Task>(collection)
    for (const [id, title] of [
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'c'],
      ['4', 'd'],
      ['5', 'e'],
    ])
      await tasks.insertOne(task(id, title))
    const a = makeLive(dbA, collection)
    const servedA = await serveLive(a.live)
    const port = Number(new URL(servedA.url).port)
    const frames: Record<string, any>[] = []
    const rt = realtimeClient<typeof a.live>(servedA.url, {
      token: 'ann',
      reconnect: { min: 20, max: 100 },
      WebSocket: recordingSocket(frames),
    })
    let servedB: Served | undefined
    try {
      const sub = rt.subscribe('tasks', { board: 'r' })
      await sub.ready
      assert.equal(sub.docs.length, 5)
      await servedA.close()
      await eventually(() => rt.state === 'reconnecting', 'the client notices')
      // Meanwhile, on the other instance's side of the database:
      await tasks.insertOne(task('6', 'f'))
      await tasks.updateOne({ _id: '2' }, { $set: { done: true } })
      await tasks.deleteOne({ _id: '3' })
      frames.length = 0
      servedB = await serveLive(makeLive(dbB, collection).live, port)
      await eventually(() => frames.some((f) => f.msg === 'ready'), 'ready after the resume', 10_000)
      const data = frames.filter((f) => ['added', 'changed', 'removed'].includes(f.msg))
      assert.deepEqual(
        data.map((f) => `${f.msg} ${f.id}`).sort(),
        ['added 2', 'added 6', 'removed 3'],
        'only the missed changes travel',
      )
      assert.deepEqual(sub.docs, await fresh(dbB, collection))
      await tasks.insertOne(task('7', 'g'))
      await eventually(() => sub.docs.length === 6, 'changes after the resume arrive too')
      assert.deepEqual(sub.docs, await fresh(dbB, collection))
    } finally {
      rt.close()
      await servedB?.close()
    }
  })

  test('kill an instance under a subscribed client, restart it: the data equals a fresh find()', async (t) => {
    if (typeof env === 'string') return t.skip(env)
    const collection = 'resume_kill'
    const tasks = dbA.collection<Task>(collection)
    for (const [id, title] of [
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'c'],
    ])
      await tasks.insertOne(task(id, title))
    const start = (port = 0): Promise<ListeningProgram> =>
      startListening(
        process.execPath,
        ['--import', 'tsx', '--conditions=source', join(here, 'instance.ts')],
        {
          cwd: here,
          env: { DATABASE_URL: (env as PostgresEnv).url, COLLECTION: collection, PORT: String(port) },
        },
      )
    let program = await start()
    const port = Number(new URL(program.url).port)
    const rt = realtimeClient<ReturnType<typeof makeLive>['live']>(`ws://127.0.0.1:${port}/live`, {
      token: 'ann',
      reconnect: { min: 20, max: 200 },
    })
    try {
      const sub = rt.subscribe('tasks', { board: 'r' })
      await sub.ready
      await program.stop() // SIGKILL: no goodbye, no close frame
      await eventually(() => rt.state === 'reconnecting', 'the client notices the dead instance', 10_000)
      await tasks.insertOne(task('4', 'd'))
      await tasks.updateMany({ _id: { $in: ['1', '2'] } }, { $set: { done: true } })
      await tasks.deleteOne({ _id: '3' })
      program = await start(port)
      const expected = await fresh(dbA, collection)
      await eventually(
        () => rt.state === 'open' && JSON.stringify(sub.docs) === JSON.stringify(expected),
        'the client holds what find() returns',
        15_000,
      )
      const ids = sub.docs.map((doc) => doc._id)
      assert.equal(new Set(ids).size, ids.length, 'nothing doubled')
      await tasks.insertOne(task('5', 'e'))
      await eventually(() => sub.docs.length === 4, 'the restarted instance sends new changes')
    } finally {
      rt.close()
      await program.stop()
    }
  })
})

describe('calls across a reconnect', () => {
  test('a call whose answer was lost is sent again with its id and runs once', async () => {
    const db = await connect('memory:')
    const made = makeLive(db, 'retry')
    const { tasks } = made
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let runs = 0
    const live = made.live.method('slowAdd', {}, async (conn) => {
      runs++
      await gate
      return (await tasks.insertOne(task(`slow-${runs}`, 'slow', conn.user.id))).insertedId
    })
    const app = weft({ logger: false })
    app.ws('/live', live)
    const first = await serve(app, { port: 0 })
    const port = Number(new URL(first.url).port)
    const rt = realtimeClient<typeof live>(`ws://127.0.0.1:${port}/live`, {
      token: 'ann',
      reconnect: { min: 20, max: 100 },
    })
    let second: Awaited<ReturnType<typeof serve>> | undefined
    try {
      const sub = rt.subscribe('tasks', { board: 'r' })
      await sub.ready
      const call = rt.call('slowAdd', {})
      await eventually(() => runs === 1, 'the call runs')
      await first.close() // the connection drops while the call runs
      release()
      second = await serve(app, { port })
      assert.equal(await call, 'slow-1')
      await eventually(() => sub.docs.some((doc) => doc._id === 'slow-1'), 'the document in the subscription')
      assert.equal(runs, 1, 'the retry was answered, not run again')
      assert.equal(await tasks.countDocuments({}), 1)
      // A call made while offline is sent once the connection is back.
      await second.close()
      second = undefined
      const offline = rt.call('addTask', { board: 'r', title: 'offline' })
      second = await serve(app, { port })
      const id = await offline
      await eventually(() => sub.docs.some((doc) => doc._id === id), 'the offline call’s document')
    } finally {
      rt.close()
      await second?.close()
      await live.shutdown()
      await db.close()
    }
  })
})

describe('a gap in the numbers', () => {
  test('a client that misses a frame subscribes again with what it holds and ends equal to find()', async () => {
    const db = await connect('memory:')
    const { live, tasks } = makeLive(db, 'gap')
    const served = await serveLive(live)
    // A socket that loses the first `changed` frame it receives, as a broken proxy might.
    let lost = false
    const frames: Record<string, any>[] = []
    const Lossy = class extends WebSocket {
      constructor(url: string, protocols?: string[]) {
        super(url, protocols)
        const deliver = this.emit.bind(this)
        this.emit = (event: string, ...args: any[]) => {
          if (event === 'message') {
            const frame = JSON.parse(String(args[0]))
            if (frame.msg === 'changed' && !lost) {
              lost = true
              return false
            }
            frames.push(frame)
          }
          return deliver(event, ...args)
        }
      }
    } as unknown as typeof globalThis.WebSocket
    const rt = realtimeClient<typeof live>(served.url, { token: 'ann', reconnect: false, WebSocket: Lossy })
    try {
      for (const [id, title] of [
        ['1', 'a'],
        ['2', 'b'],
      ])
        await tasks.insertOne(task(id, title))
      const sub = rt.subscribe('tasks', { board: 'r' })
      await sub.ready
      await tasks.updateOne({ _id: '1' }, { $set: { done: true } }) // lost
      await tasks.updateOne({ _id: '2' }, { $set: { done: true } }) // shows the gap
      const expected = await fresh(db, 'gap')
      await eventually(() => JSON.stringify(sub.docs) === JSON.stringify(expected), 'the documents of find()')
      assert.ok(lost)
      assert.equal(frames.filter((f) => f.msg === 'ready').length, 2, 'subscribed again')
    } finally {
      rt.close()
      await served.close()
      await db.close()
    }
  })
})

describe('resume limits', () => {
  let served: Served
  let db: Db
  before(async () => {
    db = await connect('memory:')
    served = await serveLive(makeLive(db, 'resume_limit').live)
  })
  after(async () => {
    await served.close()
    await db.close()
  })

  test('a resume map past the limit is answered with resync and the whole set', async () => {
    await db.collection<Task>('resume_limit').insertOne(task('1', 'a'))
    const client = await rawClient(`${served.url}?token=ann`)
    const resume: Record<string, string> = {}
    for (let i = 0; i < 10_001; i++) resume[`resume_limit "x${i}"`] = 'd'
    client.send({ msg: 'sub', id: 'big', name: 'tasks', args: { board: 'r' }, resume })
    const resync = await client.next('resync')
    assert.equal(resync.seq, 1)
    assert.equal((await client.next('added')).id, '1')
    assert.equal((await client.next('ready')).seq, 3)
    assert.equal(client.frames.filter((f) => f.msg === 'removed').length, 0)
    client.socket.close()
  })
})
