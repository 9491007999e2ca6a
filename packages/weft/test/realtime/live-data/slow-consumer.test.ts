// A consumer that falls behind: while its socket's buffer is past `coalesceAt`, changes to
// one document wait on the server merged into one, and the client still ends equal to the
// data. The coalescing itself is checked case by case against applying the changes one by one.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { connect } from 'weftjs/data'
import { coalesce } from '../../../src/realtime/backlog.ts'
import type { Change } from '../../../src/realtime/mergebox.ts'
import { eventually, rawClient, serveLive } from '../helpers.ts'
import { makeLive } from './app.ts'

type Doc = Record<string, unknown> | undefined

function apply(doc: Doc, change: Change): Doc {
  if (change.kind === 'removed') return undefined
  if (change.kind === 'added') return { ...change.fields }
  const next = { ...doc, ...change.fields }
  for (const field of change.cleared) delete next[field]
  return next
}

describe('slow consumers', () => {
  test('two changes coalesced give what applying both gives', () => {
    const start: Doc = { a: 1, b: 2 }
    const changes: Change[] = [
      { kind: 'changed', id: 1, fields: { a: 2 }, cleared: ['b'] },
      { kind: 'changed', id: 1, fields: { b: 3 }, cleared: ['a'] },
      { kind: 'removed', id: 1 },
      { kind: 'added', id: 1, fields: { c: 1 } },
    ]
    for (const first of changes)
      for (const next of changes) {
        if (first.kind === 'removed' && next.kind === 'changed') continue // cannot happen
        // What the client holds before the first change: nothing if that change adds the document.
        const base: Doc = first.kind === 'added' ? undefined : start
        const merged = coalesce(first, next)
        const expected = apply(apply(base, first), next)
        const got: Doc = merged ? apply(base, merged) : base
        if (merged?.kind === 'added' && first.kind !== 'added') assert.equal(merged.replacing, true)
        assert.deepEqual(got, expected, `${first.kind} then ${next.kind}`)
      }
    // A document added and removed while the client lagged never reaches it.
    assert.equal(coalesce({ kind: 'added', id: 1, fields: {} }, { kind: 'removed', id: 1 }), null)
    // One it already held (a replacement) is removed.
    assert.equal(
      coalesce({ kind: 'added', id: 1, fields: {}, replacing: true }, { kind: 'removed', id: 1 })?.kind,
      'removed',
    )
  })

  test('changes to one document coalesce while the socket is behind; the client ends equal to the data', async () => {
    const db = await connect('memory:')
    const { live, tasks } = makeLive(db, 'slow', {})
    // A buffer large enough not to close the consumer, a threshold low enough to hold back.
    Object.assign(live.limits, { sendBuffer: 64 * 1024 * 1024, coalesceAt: 1024 })
    const served = await serveLive(live)
    try {
      await tasks.insertOne({ _id: 'hot', board: 'r', title: 'v0', done: false, owner: 'ann', secret: '' })
      const client = await rawClient(`${served.url}?token=ann`)
      client.send({ msg: 'sub', id: 's', name: 'tasks', args: { board: 'r' } })
      await client.next('ready')
      const raw = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket
      raw.pause()
      // Big documents fill the kernel's buffers, then the socket's own.
      for (let i = 0; i < 40; i++) {
        const title = `big-${String(i).padStart(2, '0')}-${'x'.repeat(256 * 1024)}`
        await tasks.insertOne({ _id: `big${i}`, board: 'r', title, done: false, owner: 'ann', secret: '' })
      }
      for (let i = 1; i <= 200; i++) await tasks.updateOne({ _id: 'hot' }, { $set: { title: `v${i}` } })
      raw.resume()
      await eventually(
        () => client.frames.some((f) => f.id === 'hot' && f.fields?.title === 'v200'),
        'the last title',
        20_000,
      )
      const hot = client.frames.filter((f) => f.id === 'hot')
      assert.ok(hot.length < 20, `${hot.length} frames for 200 changes`)
      // 2 was `ready` (taken by next()).
      const seqs = client.frames.filter((f) => f.sub === 's').map((f) => f.seq)
      assert.deepEqual(seqs, [1, ...seqs.slice(1).map((_, i) => 3 + i)], 'numbered without gaps')
      client.socket.close()
    } finally {
      await served.close()
      await db.close()
    }
  })
})
