// Window maintenance on its own: the documents a sorted, skipped and limited query holds,
// change by change, and when it must re-run the query instead of guessing.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { compileFilter, compileSort } from '../../../src/data/query/index.ts'
import type { ChangeEvent, StoredDocument } from '../../../src/data/store.ts'
import { isOrdered, QueryWindow } from '../../../src/realtime/live-query/window.ts'

const spec = (skip: number, limit: number, insertsInOrder = true) => ({
  matches: compileFilter({ board: 'b' }),
  sort: compileSort({ score: -1 }),
  skip,
  limit,
  insertsInOrder,
})
const doc = (id: number, score: number, board = 'b'): StoredDocument => ({ _id: id, board, score })
const insert = (d: StoredDocument): ChangeEvent => ({ type: 'insert', collection: 't', id: d._id, doc: d })
const update = (d: StoredDocument): ChangeEvent => ({ type: 'update', collection: 't', id: d._id, doc: d })
const remove = (id: number): ChangeEvent => ({ type: 'delete', collection: 't', id })
const ids = (window: QueryWindow) => window.window().map((entry) => entry.doc._id)

describe('a sorted, limited window', () => {
  test('holds skip + limit + a buffer, and publishes the part after skip', () => {
    const window = new QueryWindow(spec(1, 2))
    assert.equal(window.capacity, 1 + 2 + 10)
    window.load([doc(1, 9), doc(2, 8), doc(3, 7), doc(4, 6)])
    assert.deepEqual(ids(window), [2, 3])
  })

  test('a document leaving the top lets the next one in, from the buffer, without a query', () => {
    const window = new QueryWindow(spec(0, 2))
    window.load([doc(1, 9), doc(2, 8), doc(3, 7)])
    assert.equal(window.apply(remove(1)), 'changed')
    assert.deepEqual(ids(window), [2, 3])
    assert.equal(window.apply(update(doc(2, 1, 'other'))), 'changed')
    assert.deepEqual(ids(window), [3])
  })

  test('a skipped document leaving shifts the window', () => {
    const window = new QueryWindow(spec(1, 1))
    window.load([doc(1, 9), doc(2, 8), doc(3, 7)])
    assert.deepEqual(ids(window), [2])
    window.apply(remove(1))
    assert.deepEqual(ids(window), [3])
  })

  test('a document moving within the held ones moves; past the last held one of an unfinished result it is let go', () => {
    const window = new QueryWindow(spec(0, 1))
    const full = Array.from({ length: 11 }, (_, i) => doc(i + 1, 100 - i))
    window.load(full)
    assert.equal(window.apply(update(doc(5, 200))), 'changed')
    assert.deepEqual(ids(window), [5])
    // Capacity 11 and 11 found: more may exist beyond, so a document sinking past the last is dropped.
    window.apply(update(doc(5, -1)))
    assert.equal(window.has(5), false)
    assert.deepEqual(ids(window), [1])
  })

  test('asks for a query when it runs short of known matches', () => {
    const window = new QueryWindow(spec(0, 2))
    window.load(Array.from({ length: 12 }, (_, i) => doc(i + 1, 100 - i)))
    for (let id = 1; id <= 10; id++) assert.equal(window.apply(remove(id)), 'changed')
    assert.equal(window.apply(remove(11)), 'refill')
  })

  test('a complete result needs no query however many leave', () => {
    const window = new QueryWindow(spec(0, 2))
    window.load([doc(1, 9), doc(2, 8)])
    assert.equal(window.apply(remove(1)), 'changed')
    assert.equal(window.apply(remove(2)), 'changed')
    assert.deepEqual(ids(window), [])
    assert.equal(window.apply(insert(doc(3, 1))), 'changed')
    assert.deepEqual(ids(window), [3])
  })

  test('a change to a document it never held and that does not match is nothing to it', () => {
    const window = new QueryWindow(spec(0, 2))
    window.load([doc(1, 9)])
    assert.equal(window.apply(insert(doc(2, 50, 'other'))), 'same')
    assert.equal(window.apply(remove(7)), 'same')
  })
})

describe('ties, ordered by insertion as find() orders them', () => {
  test('two inserts seen in a feed that brings them in insertion order keep that order', () => {
    const window = new QueryWindow(spec(0, 5))
    window.load([])
    assert.equal(window.apply(insert(doc(2, 5))), 'changed')
    assert.equal(window.apply(insert(doc(1, 5))), 'changed')
    assert.deepEqual(ids(window), [2, 1])
    // A document that enters by an update has no known insertion rank: a tie asks for a query.
    assert.equal(window.apply(update(doc(3, 5))), 'refill')
  })

  test('where the feed brings commits, not insertions, in order (PostgreSQL), two tied inserts ask for a query', () => {
    const window = new QueryWindow(spec(0, 5, false))
    window.load([])
    assert.equal(window.apply(insert(doc(2, 5))), 'changed')
    assert.equal(window.apply(insert(doc(1, 5))), 'refill')
  })

  test('queried documents tied in one result keep that order', () => {
    const window = new QueryWindow(spec(0, 5))
    window.load([doc(3, 5), doc(1, 5), doc(2, 4)])
    assert.equal(window.apply(update({ ...doc(3, 5), note: 'x' })), 'changed')
    assert.deepEqual(ids(window), [3, 1, 2])
  })

  test('a tie it cannot order asks for a query rather than guess', () => {
    const window = new QueryWindow(spec(0, 5))
    window.load([doc(3, 5), doc(2, 4)])
    // 2 joins 3's score: which was inserted first is not known here.
    assert.equal(window.apply(update(doc(2, 5))), 'refill')
    // An insert seen now may be older than a queried document (the query may run ahead of the feed).
    window.load([doc(3, 5)])
    assert.equal(window.apply(insert(doc(4, 5))), 'refill')
  })
})

test('tracks the ids it holds, so the feed routes their changes to it', () => {
  const held = new Set<unknown>()
  const window = new QueryWindow(spec(0, 1), (id, on) => (on ? held.add(id) : held.delete(id)))
  window.load([doc(1, 9), doc(2, 8)])
  assert.deepEqual([...held].sort(), [1, 2])
  window.apply(remove(1))
  window.apply(insert(doc(3, 1)))
  assert.deepEqual([...held].sort(), [2, 3])
})

describe('capacity, completeness and what leaves', () => {
  test('the buffer is half the limit, at least 10; without a limit the window holds every match', () => {
    assert.equal(new QueryWindow(spec(0, 25)).capacity, 25 + 13)
    assert.equal(new QueryWindow(spec(5, 40)).capacity, 5 + 40 + 20)
    assert.equal(new QueryWindow(spec(0, 0)).capacity, Infinity)
  })

  test('without a limit it publishes everything after skip and never asks for a query', () => {
    const window = new QueryWindow(spec(1, 0))
    window.load([doc(1, 9), doc(2, 8), doc(3, 7)])
    assert.deepEqual(ids(window), [2, 3])
    assert.equal(window.apply(remove(2)), 'changed')
    assert.equal(window.apply(remove(1)), 'changed')
    assert.deepEqual(ids(window), [])
  })

  test('an insert past capacity lets the last held one go, and the result is no longer known to be complete', () => {
    const held = new Set<unknown>()
    const window = new QueryWindow(spec(0, 1), (id, on) => (on ? held.add(id) : held.delete(id)))
    window.load(Array.from({ length: 10 }, (_, i) => doc(i + 1, 100 - i)))
    assert.equal(window.apply(insert(doc(11, 50))), 'changed')
    assert.equal(held.size, 11)
    assert.equal(window.apply(insert(doc(12, 200))), 'changed')
    assert.deepEqual(ids(window), [12])
    assert.equal(window.has(11), false, 'the lowest score went')
    assert.equal(held.has(11), false)
    assert.equal(held.size, 11)
    // Incomplete now: the window runs short after 10 leave.
    for (let id = 1; id <= 9; id++) assert.equal(window.apply(remove(id)), 'changed')
    assert.equal(window.apply(remove(12)), 'changed')
    assert.equal(window.apply(remove(10)), 'refill')
  })

  test('a loaded result of exactly the capacity may have more beyond it', () => {
    const window = new QueryWindow(spec(0, 1))
    window.load(Array.from({ length: 11 }, (_, i) => doc(i + 1, 100 - i)))
    for (let id = 1; id <= 10; id++) assert.equal(window.apply(remove(id)), 'changed')
    assert.equal(window.apply(remove(11)), 'refill')
  })

  test('a held document that stops matching leaves; a load forgets ids no longer found', () => {
    const held = new Set<unknown>()
    const window = new QueryWindow(spec(0, 5), (id, on) => (on ? held.add(id) : held.delete(id)))
    window.load([doc(1, 9), doc(2, 8)])
    assert.equal(window.apply(update(doc(1, 9, 'other'))), 'changed')
    assert.deepEqual(ids(window), [2])
    assert.deepEqual([...held], [2])
    window.load([doc(3, 1)])
    assert.deepEqual([...held], [3])
    assert.deepEqual([...window.ids()], [3])
  })
})

describe('order without a sort', () => {
  const unsorted = (skip: number, limit: number, insertsInOrder: boolean) => ({
    ...spec(skip, limit, insertsInOrder),
    sort: undefined,
  })

  test('order matters with a sort, a skip or a limit', () => {
    assert.equal(isOrdered(unsorted(0, 0, true)), false)
    assert.equal(isOrdered(unsorted(1, 0, true)), true)
    assert.equal(isOrdered(unsorted(0, 1, true)), true)
    assert.equal(isOrdered(spec(0, 0)), true)
  })

  test('a plain result is a set: documents of unknown rank need no query', () => {
    const window = new QueryWindow(unsorted(0, 0, false))
    window.load([doc(1, 1), doc(2, 2)])
    assert.equal(window.apply(insert(doc(3, 3))), 'changed')
    assert.equal(window.apply(update(doc(4, 4))), 'changed')
    // Newcomers go last, so the published order (a handle's docs) stays stable.
    assert.deepEqual(ids(window), [1, 2, 3, 4])
  })

  test('with a limit, insertion order decides: known for inserts in feed order and for one result, else a query', () => {
    const window = new QueryWindow(unsorted(0, 3, true))
    window.load([doc(1, 1), doc(2, 2)])
    assert.deepEqual(ids(window), [1, 2])
    assert.equal(window.apply(update({ ...doc(1, 1), note: 'x' })), 'changed')
    assert.deepEqual(ids(window), [1, 2], 'one result keeps its order')
    assert.equal(window.apply(update(doc(3, 3))), 'refill', 'a document of unknown rank')
    const fed = new QueryWindow(unsorted(0, 3, true))
    fed.load([])
    fed.apply(insert(doc(5, 1)))
    fed.apply(insert(doc(4, 1)))
    assert.deepEqual(ids(fed), [5, 4])
  })
})

describe('ties across load groups', () => {
  test('documents of two tie groups of one result order only within their group', () => {
    const window = new QueryWindow(spec(0, 5))
    window.load([doc(1, 5), doc(2, 5), doc(3, 4), doc(4, 4)])
    assert.equal(window.apply(update({ ...doc(4, 4), note: 'x' })), 'changed')
    assert.deepEqual(ids(window), [1, 2, 3, 4])
    assert.equal(window.apply(update({ ...doc(3, 4), note: 'y' })), 'changed')
    assert.deepEqual(ids(window), [1, 2, 3, 4])
    // 1 drops into the group of 3 and 4: ranks from different groups do not compare.
    assert.equal(window.apply(update(doc(1, 4))), 'refill')
  })

  test('a new load ranks every document afresh', () => {
    const window = new QueryWindow(spec(0, 5))
    window.load([doc(1, 5)])
    const first = window.window()[0]
    window.load([doc(1, 5), doc(2, 5)])
    assert.notEqual(window.window()[0], first)
    assert.equal(window.apply(update({ ...doc(2, 5), note: 'x' })), 'changed')
    assert.deepEqual(ids(window), [1, 2])
  })
})

describe('what a change does to the window', () => {
  test('a deletion only removes, even under a filter every document matches', () => {
    const window = new QueryWindow({ ...spec(0, 0), matches: compileFilter({}) })
    window.load([doc(1, 9), doc(2, 8)])
    assert.equal(window.apply(remove(1)), 'changed')
    assert.deepEqual(ids(window), [2])
  })

  test('after a tie asked for a query, the next load starts unambiguous', () => {
    const window = new QueryWindow(spec(0, 5))
    window.load([doc(3, 5), doc(2, 4)])
    assert.equal(window.apply(update(doc(2, 5))), 'refill')
    window.load([doc(3, 5), doc(2, 5)])
    assert.equal(window.apply(update(doc(4, 1))), 'changed')
  })

  test('a load tells the tracker only about ids that came or went', () => {
    const calls: string[] = []
    const window = new QueryWindow(spec(0, 5), (id, held) => void calls.push(`${held ? 'in' : 'out'} ${id}`))
    window.load([doc(1, 9), doc(2, 8)])
    window.load([doc(2, 8), doc(3, 7)])
    assert.deepEqual(calls, ['in 1', 'in 2', 'out 1', 'in 3'])
  })
})
