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
