// Publications and methods over real sockets, the same cases on every store: each store's
// test file calls liveDataSuite() with a way to open its database.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { realtimeClient } from 'weftjs/client'
import type { Db } from 'weftjs/data'
import { eventually, type RawClient, rawClient, type Served, serveLive } from '../helpers.ts'
import { makeLive } from './app.ts'

let tables = 0

/** A raw client authenticated as `user`. */
function as(served: Served, user: string): Promise<RawClient> {
  return rawClient(`${served.url}?token=${user}`)
}

/** Every frame `client` receives from now on, in arrival order (next() does not take them away). */
function record(client: RawClient): Record<string, any>[] {
  const all: Record<string, any>[] = []
  client.socket.on('message', (data) => all.push(JSON.parse(String(data))))
  return all
}

export function liveDataSuite(store: string, open: () => Promise<Db>) {
  describe(`publications and methods on ${store}`, () => {
    let db: Db
    let served: Served
    let app: ReturnType<typeof makeLive>
    before(async () => {
      db = await open()
      app = makeLive(db, `live_wire_${process.pid}_${tables++}`)
      served = await serveLive(app.live)
    })
    after(async () => {
      await served.close()
      await db.close()
    })

    test('initial documents, then ready, then added / changed (only what changed) / removed, numbered', async () => {
      await app.tasks.insertOne({
        _id: 'a1',
        board: 'b1',
        title: 'Alpha',
        done: false,
        owner: 'ada',
        secret: 'x',
      })
      const ada = await as(served, 'ada')
      const all = record(ada)
      ada.send({ msg: 'sub', id: 's1', name: 'tasks', args: { board: 'b1' } })
      await ada.next('ready', (f) => f.sub === 's1')
      await app.tasks.insertOne({
        _id: 'a2',
        board: 'b1',
        title: 'Beta',
        done: false,
        owner: 'ada',
        secret: 'x',
      })
      await app.tasks.updateOne({ _id: 'a1' }, { $set: { done: true } })
      await app.tasks.deleteOne({ _id: 'a2' })
      await ada.next('removed', (f) => f.sub === 's1')
      const frames = all
        .filter((f) => f.sub === 's1')
        .map(({ msg, id, fields, cleared, seq }) => ({ msg, id, fields, cleared, seq }))
      assert.deepEqual(frames, [
        {
          msg: 'added',
          id: 'a1',
          fields: { board: 'b1', title: 'Alpha', done: false, owner: 'ada' },
          cleared: undefined,
          seq: 1,
        },
        { msg: 'ready', id: undefined, fields: undefined, cleared: undefined, seq: 2 },
        {
          msg: 'added',
          id: 'a2',
          fields: { board: 'b1', title: 'Beta', done: false, owner: 'ada' },
          cleared: undefined,
          seq: 3,
        },
        { msg: 'changed', id: 'a1', fields: { done: true }, cleared: [], seq: 4 },
        { msg: 'removed', id: 'a2', fields: undefined, cleared: undefined, seq: 5 },
      ])
      ada.socket.close()
    })

    test('a field outside the projection never reaches the socket, and each user sees only their documents', async () => {
      const raw: string[] = []
      const ada = await as(served, 'ada')
      const bob = await as(served, 'bob')
      ada.socket.on('message', (data) => raw.push(String(data)))
      ada.send({ msg: 'sub', id: 'p', name: 'tasks', args: { board: 'b2' } })
      bob.send({ msg: 'sub', id: 'p', name: 'tasks', args: { board: 'b2' } })
      await ada.next('ready')
      await bob.next('ready')
      await app.tasks.insertOne({
        _id: 'b-ada',
        board: 'b2',
        title: 'Mine',
        done: false,
        owner: 'ada',
        secret: 'TOPSECRET',
      })
      await app.tasks.insertOne({
        _id: 'b-bob',
        board: 'b2',
        title: 'His',
        done: false,
        owner: 'bob',
        secret: 'TOPSECRET',
      })
      await app.tasks.updateOne({ _id: 'b-ada' }, { $set: { secret: 'TOPSECRET2', title: 'Mine!' } })
      const added = await ada.next('added')
      assert.equal(added.id, 'b-ada')
      assert.equal((await bob.next('added')).id, 'b-bob')
      await ada.next('changed')
      assert.ok(!raw.join('\n').includes('TOPSECRET'), 'the secret field reached the socket')
      assert.equal(ada.frames.filter((f) => f.id === 'b-bob').length, 0)
      ada.socket.close()
      bob.socket.close()
    })

    test('overlapping subscriptions share documents: fields merge, and a field goes only when no subscription has it', async () => {
      const rt = realtimeClient<typeof app.live>(served.url, { token: 'cyd', reconnect: false })
      try {
        await app.tasks.insertOne({
          _id: 'c1',
          board: 'b3',
          title: 'Shared',
          done: true,
          owner: 'cyd',
          secret: 'x',
        })
        const titles = rt.subscribe('titles', { board: 'b3' })
        const flags = rt.subscribe('flags', { board: 'b3' })
        await Promise.all([titles.ready, flags.ready])
        assert.deepEqual(titles.docs, [{ _id: 'c1', title: 'Shared', done: true }])
        assert.deepEqual(flags.docs, [{ _id: 'c1', title: 'Shared', done: true }])
        flags.stop()
        assert.deepEqual(titles.docs, [{ _id: 'c1', title: 'Shared' }])
      } finally {
        rt.close()
      }
    })

    test('the server mergebox: a value the client holds from another subscription is sent as a reference', async () => {
      const title = 'A title long enough to be worth sharing'
      await app.tasks.insertOne({ _id: 'm1', board: 'b7', title, done: false, owner: 'fay', secret: 'x' })
      const raw = await as(served, 'fay')
      raw.send({ msg: 'sub', id: 'one', name: 'titles', args: { board: 'b7' } })
      await raw.next('ready', (f) => f.sub === 'one')
      raw.send({ msg: 'sub', id: 'two', name: 'tasks', args: { board: 'b7' } })
      raw.send({ msg: 'sub', id: 'three', name: 'titlesUntracked', args: { board: 'b7' } })
      await raw.next('ready', (f) => f.sub === 'two')
      await raw.next('ready', (f) => f.sub === 'three')
      const two = raw.frames.find((f) => f.msg === 'added' && f.sub === 'two')
      assert.deepEqual(two?.shared, { title: 'one' })
      assert.equal(two?.fields.title, undefined)
      const three = raw.frames.find((f) => f.msg === 'added' && f.sub === 'three')
      assert.equal(three?.fields.title, title, 'an untracked publication sends its values')
      raw.socket.close()

      const rt = realtimeClient<typeof app.live>(served.url, { token: 'fay', reconnect: false })
      try {
        const titles = rt.subscribe('titles', { board: 'b7' })
        await titles.ready
        const tasks = rt.subscribe('tasks', { board: 'b7' })
        await tasks.ready
        assert.equal(tasks.docs[0].title, title)
        titles.stop()
        await app.tasks.updateOne({ _id: 'm1' }, { $set: { done: true } })
        await eventually(
          () => tasks.docs[0]?.done === true,
          'the change after the first subscription stopped',
        )
        assert.equal(tasks.docs[0].title, title, 'the copied value stays with the subscription that holds it')
      } finally {
        rt.close()
      }
    })

    test('publication errors: invalid args 422 listing issues, a refusal 403, an unknown name 404, each as nosub', async () => {
      const ada = await as(served, 'ada')
      ada.send({ msg: 'sub', id: 'e1', name: 'tasks', args: { board: 7 } })
      ada.send({ msg: 'sub', id: 'e2', name: 'everything', args: {} })
      ada.send({ msg: 'sub', id: 'e3', name: 'nothing', args: {} })
      const invalid = await ada.next('nosub', (f) => f.sub === 'e1')
      assert.equal(invalid.error.status, 422)
      assert.equal(invalid.error.code, 'WEFT_INVALID_ARGS')
      assert.equal(invalid.error.issues[0].path, 'board')
      const refused = await ada.next('nosub', (f) => f.sub === 'e2')
      assert.deepEqual([refused.error.status, refused.error.detail], [403, 'Only admins see everything'])
      assert.equal((await ada.next('nosub', (f) => f.sub === 'e3')).error.code, 'WEFT_NO_SUCH_PUBLICATION')
      ada.send({ msg: 'sub', id: 'bad id!', name: 'tasks' })
      assert.equal((await ada.next('error')).code, 'WEFT_BAD_FRAME')
      ada.send({ msg: 'ping', id: 'still-open' })
      await ada.next('pong')
      ada.socket.close()
    })

    test('past the subscription limit a sub answers 429', async () => {
      const ada = await as(served, 'ada')
      for (let i = 0; i < 6; i++)
        ada.send({ msg: 'sub', id: `l${i}`, name: 'titles', args: { board: `l${i}` } })
      const refused = await ada.next('nosub', (f) => f.sub === 'l5')
      assert.equal(refused.error.code, 'WEFT_TOO_MANY_SUBSCRIPTIONS')
      ada.send({ msg: 'unsub', id: 'l0' })
      await ada.next('nosub', (f) => f.sub === 'l0')
      ada.send({ msg: 'sub', id: 'l6', name: 'titles', args: { board: 'l6' } })
      await ada.next('ready', (f) => f.sub === 'l6')
      ada.socket.close()
    })

    test('method errors: 422 with issues, 403, 404, an unknown method, and no secret in a 500', async () => {
      const ada = await as(served, 'ada')
      const call = async (id: string, name: string, args: unknown) => {
        ada.send({ msg: 'method', id, name, args })
        return (await ada.next('result', (f) => f.id === id)).error
      }
      const invalid = await call('m1', 'addTask', { board: 'b', title: '' })
      assert.deepEqual(
        [invalid.status, invalid.code, invalid.issues[0].path],
        [422, 'WEFT_INVALID_ARGS', 'title'],
      )
      assert.deepEqual(await call('m2', 'adminOnly', {}).then((e) => [e.status, e.detail]), [
        403,
        'Not allowed',
      ])
      assert.deepEqual(await call('m3', 'complete', { id: 'none' }).then((e) => [e.status, e.code]), [
        404,
        'WEFT_NOT_FOUND',
      ])
      assert.equal((await call('m4', 'nope', {})).code, 'WEFT_NO_SUCH_METHOD')
      const crash = await call('m5', 'crash', {})
      assert.deepEqual([crash.status, crash.code, crash.detail], [500, 'WEFT_INTERNAL', undefined])
      assert.ok(!JSON.stringify(ada.frames).includes('hunter2'))
      ada.socket.close()
    })

    test('result, then the data in the caller’s subscription, then updated', async () => {
      const ada = await as(served, 'ada')
      ada.send({ msg: 'sub', id: 'u', name: 'tasks', args: { board: 'b4' } })
      await ada.next('ready')
      const all = record(ada)
      ada.send({ msg: 'method', id: 'call-1', name: 'addTask', args: { board: 'b4', title: 'Fenced' } })
      await ada.next('updated')
      // The data may come before or after the result; `updated` comes after both.
      assert.deepEqual(all.map((f) => f.msg).sort(), ['added', 'result', 'updated'])
      assert.equal(all.at(-1)?.msg, 'updated')
      const result = all.find((f) => f.msg === 'result')
      const added = all.find((f) => f.msg === 'added')
      assert.equal(added?.id, result?.result)
      ada.socket.close()
    })

    test('a call retried with the same id (after a reconnect) runs once and answers the same result', async () => {
      const first = await as(served, 'dan')
      first.send({ msg: 'method', id: 'retry-me-1', name: 'addTask', args: { board: 'b5', title: 'Once' } })
      const answer = await first.next('result')
      first.socket.close()
      const second = await as(served, 'dan')
      second.send({ msg: 'method', id: 'retry-me-1', name: 'addTask', args: { board: 'b5', title: 'Once' } })
      const again = await second.next('result')
      await second.next('updated')
      assert.equal(again.result, answer.result)
      assert.equal(await app.tasks.countDocuments({ board: 'b5' }), 1)
      second.socket.close()
    })

    test('optimistic writes show at once, roll back when the call fails, and give way to the real data', async () => {
      const rt = realtimeClient<typeof app.live>(served.url, { token: 'eve', reconnect: false })
      try {
        const sub = rt.subscribe('tasks', { board: 'b6' })
        await sub.ready
        const seen: string[][] = []
        sub.on('change', (docs) => seen.push(docs.map((d) => d.title)))
        const failing = rt.call(
          'addTask',
          { board: 'b6', title: '' },
          {
            optimistic: (local) => local.insert(sub, { title: 'Too soon' }, app.tasks.name),
          },
        )
        assert.deepEqual(
          sub.docs.map((d) => d.title),
          ['Too soon'],
        )
        await assert.rejects(failing, (error: { status: number }) => error.status === 422)
        assert.deepEqual(sub.docs, [])
        const id = await rt.call(
          'addTask',
          { board: 'b6', title: 'Real' },
          {
            optimistic: (local) => local.insert(sub, { title: 'Real' }, app.tasks.name),
          },
        )
        await eventually(() => sub.docs.length === 1 && sub.docs[0]._id === id, 'the real document alone')
        assert.deepEqual(seen[0], ['Too soon'])
        assert.deepEqual(seen[1], [])
      } finally {
        rt.close()
      }
    })
  })
}
