// The index that makes a change visit only the live queries it may concern.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { EqualityIndex, equalityKey } from '../../../src/realtime/live-query/equality-index.ts'

describe('equality keys', () => {
  test('a plain value, $eq or $in of plain values, also inside a top-level $and', () => {
    assert.deepEqual(equalityKey({ board: 'b1', done: { $ne: true } }), { path: 'board', values: ['b1'] })
    assert.deepEqual(equalityKey({ n: { $eq: 3 } }), { path: 'n', values: [3] })
    assert.deepEqual(equalityKey({ 'owner.id': { $in: ['a', 'b'] } }), {
      path: 'owner.id',
      values: ['a', 'b'],
    })
    assert.deepEqual(equalityKey({ $and: [{ x: { $gt: 1 } }, { board: true }] }), {
      path: 'board',
      values: [true],
    })
  })

  test('nothing an index could answer wrongly', () => {
    for (const filter of [
      {},
      { board: null },
      { board: { $ne: 'b1' } },
      { board: { $in: ['a', null] } },
      { board: { $eq: 'a', $exists: true } },
      { 'tags.0': 'a' },
      { $or: [{ board: 'a' }, { board: 'b' }] },
      { at: new Date(0) },
      { o: { a: 1 } },
    ])
      assert.equal(equalityKey(filter), null, JSON.stringify(filter))
  })
})

describe('the index', () => {
  test('a change visits the queries of its values and those without a key', () => {
    const index = new EqualityIndex<string>()
    for (let i = 0; i < 1000; i++) index.add(`board ${i}`, { board: `b${i}` })
    index.add('any', { done: { $ne: true } })
    index.add('two', { board: { $in: ['b1', 'b2'] } })
    index.add('numbers', { n: 1 })
    const visit = (doc: Record<string, unknown>) => {
      const out = new Set<string>()
      index.collect({ _id: 1, ...doc }, out)
      return [...out].sort()
    }
    assert.deepEqual(visit({ board: 'b1' }), ['any', 'board 1', 'two'])
    assert.deepEqual(visit({ board: ['b7', 'b2'] }), ['any', 'board 2', 'board 7', 'two'])
    assert.deepEqual(visit({ board: 'b1000', n: 1.0 }), ['any', 'numbers'])
    assert.deepEqual(visit({ board: 1, n: '1' }), ['any'])
    index.remove('two')
    index.remove('any')
    assert.deepEqual(visit({ board: 'b1' }), ['board 1'])
  })
})
