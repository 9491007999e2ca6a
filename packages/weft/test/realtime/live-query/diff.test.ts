// The observer calls that turn one published result into the next: only what changed,
// the cleared fields named, moves as a removal and an addition before the new neighbour.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { fieldChanges, publishDiff } from '../../../src/realtime/live-query/diff.ts'
import { Recorder } from './recorder.ts'

const doc = (id: number, fields: Record<string, unknown>) => ({ id, fields })

describe('field changes', () => {
  test('only the fields whose value changed, and the cleared ones', () => {
    assert.deepEqual(fieldChanges({ a: 1, b: 'x', c: [1, 2] }, { a: 1, b: 'y', c: [1, 2], d: null }), {
      fields: { b: 'y', d: null },
      cleared: [],
    })
    assert.deepEqual(fieldChanges({ a: 1, b: 2 }, { a: 1 }), { fields: {}, cleared: ['b'] })
    assert.equal(fieldChanges({ a: { x: 1 }, d: new Date(5) }, { a: { x: 1 }, d: new Date(5) }), null)
  })

  test('a value of another type or shape is a change, though find() would compare it equal', () => {
    assert.deepEqual(fieldChanges({ a: 1 }, { a: '1' })?.fields, { a: '1' })
    assert.deepEqual(fieldChanges({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })?.fields, {
      a: { y: 2, x: 1 },
    })
    assert.deepEqual(fieldChanges({ a: [1, 2] }, { a: [2, 1] })?.fields, { a: [2, 1] })
  })
})

describe('publishing the difference', () => {
  test('sorted: additions name the id they sit before, a move is a removal and an addition', () => {
    const recorder = new Recorder()
    publishDiff([], [doc(1, { n: 1 }), doc(2, { n: 2 }), doc(3, { n: 3 })], recorder, true)
    assert.deepEqual(recorder.order, [1, 2, 3])
    recorder.calls.length = 0
    publishDiff(
      [doc(1, { n: 1 }), doc(2, { n: 2 }), doc(3, { n: 3 })],
      [doc(3, { n: 0 }), doc(1, { n: 1 }), doc(4, { n: 4 })],
      recorder,
      true,
    )
    assert.deepEqual(recorder.calls, [
      'removed 2',
      'removed 3',
      'added 4 {"n":4} before null',
      'added 3 {"n":0} before 1',
    ])
    assert.deepEqual(recorder.list(), [doc(3, { n: 0 }), doc(1, { n: 1 }), doc(4, { n: 4 })])
    assert.deepEqual(recorder.errors, [])
  })

  test('a document that stays in place gets only its changed fields', () => {
    const recorder = new Recorder()
    publishDiff([], [doc(1, { n: 1, t: 'a' })], recorder, true)
    recorder.calls.length = 0
    publishDiff([doc(1, { n: 1, t: 'a' })], [doc(1, { n: 2 })], recorder, true)
    assert.deepEqual(recorder.calls, ['changed 1 {"n":2} cleared t'])
    publishDiff([doc(1, { n: 2 })], [doc(1, { n: 2 })], recorder, true)
    assert.equal(recorder.calls.length, 1, 'nothing changed, nothing sent')
  })

  test('unsorted: order is not published, so nothing moves', () => {
    const recorder = new Recorder()
    publishDiff([], [doc(1, {}), doc(2, {})], recorder, false)
    recorder.calls.length = 0
    publishDiff([doc(1, {}), doc(2, {})], [doc(2, {}), doc(1, { a: 1 })], recorder, false)
    assert.deepEqual(recorder.calls, ['changed 1 {"a":1} cleared '])
    assert.ok(recorder.calls.every((call) => !call.includes('before')))
  })
})

describe('the fewest moves', () => {
  // The longest run kept in order, by the textbook O(n²) recurrence: the reference the
  // patience sort in diff.ts must agree with.
  function longestKept(order: number[]): number {
    const best = order.map(() => 1)
    for (let i = 0; i < order.length; i++)
      for (let j = 0; j < i; j++) if (order[j] < order[i]) best[i] = Math.max(best[i], best[j] + 1)
    return Math.max(0, ...best)
  }

  // A fixed pseudo-random sequence, so every run checks the same permutations.
  function shuffled(n: number, seed: number): number[] {
    const items = Array.from({ length: n }, (_, i) => i + 1)
    let state = seed
    for (let i = n - 1; i > 0; i--) {
      state = (state * 1103515245 + 12345) % 2 ** 31
      const j = state % (i + 1)
      ;[items[i], items[j]] = [items[j], items[i]]
    }
    return items
  }

  test('a reordering removes and re-adds only the documents outside a longest kept run', () => {
    const permutations = [
      [2, 1],
      [5, 1, 2, 3, 4],
      [2, 3, 4, 5, 1],
      [3, 1, 2, 6, 4, 5],
      [6, 5, 4, 3, 2, 1],
      ...Array.from({ length: 40 }, (_, seed) => shuffled(3 + (seed % 9), seed + 1)),
    ]
    for (const order of permutations) {
      const recorder = new Recorder()
      const prev = order.map((_, i) => doc(i + 1, { n: i + 1 }))
      publishDiff([], prev, recorder, true)
      recorder.calls.length = 0
      const next = order.map((id) => doc(id, { n: id }))
      publishDiff(prev, next, recorder, true)
      const moved = order.length - longestKept(order)
      assert.equal(recorder.calls.filter((call) => call.startsWith('removed')).length, moved, `${order}`)
      assert.equal(recorder.calls.length, 2 * moved, `${order}`)
      assert.deepEqual(recorder.order, order, `${order}`)
      assert.deepEqual(recorder.errors, [])
    }
  })

  test('documents that stay in order, around ones that come and go, do not move', () => {
    const recorder = new Recorder()
    const prev = [doc(1, {}), doc(2, {}), doc(3, {}), doc(4, {})]
    publishDiff([], prev, recorder, true)
    recorder.calls.length = 0
    publishDiff(prev, [doc(5, {}), doc(1, {}), doc(3, {}), doc(6, {}), doc(4, {})], recorder, true)
    assert.deepEqual(recorder.calls, ['removed 2', 'added 6 {} before 4', 'added 5 {} before 1'])
    assert.deepEqual(recorder.order, [5, 1, 3, 6, 4])
  })
})

describe('equal values', () => {
  test('dates of the same time, equal nested values and null are no change; other types are', () => {
    assert.equal(
      fieldChanges({ d: new Date(5), n: null, a: [{ x: 1 }] }, { d: new Date(5), n: null, a: [{ x: 1 }] }),
      null,
    )
    assert.deepEqual(fieldChanges({ d: new Date(5) }, { d: new Date(6) })?.fields, { d: new Date(6) })
    assert.deepEqual(fieldChanges({ n: null }, { n: {} })?.fields, { n: {} })
    assert.deepEqual(fieldChanges({ n: {} }, { n: null })?.fields, { n: null })
    assert.deepEqual(fieldChanges({ n: 1 }, { n: 2 })?.fields, { n: 2 })
    // find() tells a date from its text; a nested date turning into its ISO text is a change.
    const at = new Date(5)
    assert.deepEqual(fieldChanges({ a: { at } }, { a: { at: at.toISOString() } })?.fields, {
      a: { at: at.toISOString() },
    })
    assert.deepEqual(fieldChanges({ a: [1] }, { a: { 0: 1 } })?.fields, { a: { 0: 1 } })
    assert.deepEqual(fieldChanges({ a: undefined }, {}), { fields: {}, cleared: ['a'] })
    assert.deepEqual(fieldChanges({}, { a: undefined }), { fields: { a: undefined }, cleared: [] })
  })
})
