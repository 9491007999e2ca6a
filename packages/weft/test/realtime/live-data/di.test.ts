// Methods and publications resolve weftjs/di providers with conn.get(), each call in a
// request-like scope of its own (request-scoped providers made once per call, then disposed).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { serve, weft } from 'weftjs'
import { connect } from 'weftjs/data'
import { CONTEXT, inject, module } from 'weftjs/di'
import { realtime } from 'weftjs/realtime'
import { rawClient } from '../helpers.ts'

let made = 0
const disposed: number[] = []

class Counter {
  value = 0
}

class CallInfo {
  static scope = 'request' as const
  readonly serial = ++made
  readonly context = inject(CONTEXT) as unknown as { method?: string; publication?: string }
  onDestroy() {
    disposed.push(this.serial)
  }
}

test('conn.get() resolves singletons once and request-scoped providers once per call', async () => {
  const db = await connect('memory:')
  const notes = db.collection<{ _id: string; text: string }>('di_notes')
  await notes.insertOne({ _id: 'n1', text: 'hello' })
  const live = realtime({ logger: false })
    .method('who', {}, (conn) => {
      const first = conn.get(CallInfo)
      assert.equal(conn.get(CallInfo), first, 'one instance within a call')
      conn.get(Counter).value++
      return { serial: first.serial, method: first.context.method, count: conn.get(Counter).value }
    })
    .publish('notes', {}, (conn) => {
      assert.equal(conn.get(CallInfo).context.publication, 'notes')
      return notes.find({})
    })
  const app = weft({ logger: false, modules: [module({ name: 'calls', providers: [Counter, CallInfo] })] })
  app.ws('/live', live)
  const server = await serve(app, { port: 0 })
  try {
    const client = await rawClient(`${server.url.replace(/^http/, 'ws')}/live`)
    client.send({ msg: 'method', id: 'a', name: 'who', args: {} })
    client.send({ msg: 'method', id: 'b', name: 'who', args: {} })
    const a = (await client.next('result', (f) => f.id === 'a')).result
    const b = (await client.next('result', (f) => f.id === 'b')).result
    assert.equal(a.method, 'who')
    assert.notEqual(a.serial, b.serial)
    assert.deepEqual([a.count, b.count], [1, 2])
    assert.ok(disposed.includes(a.serial) && disposed.includes(b.serial), 'each call’s scope was disposed')
    client.send({ msg: 'sub', id: 's', name: 'notes' })
    assert.equal((await client.next('added')).id, 'n1')
    client.socket.close()
  } finally {
    await server.close()
    await live.shutdown()
    await db.close()
  }
})
