// Transactions find their operations through AsyncLocalStorage. On Node that turns on a
// hook for every promise the process makes, which stays on unless the store turns the
// storage off again: these tests check that it does once no transaction is open, and
// that an open transaction keeps its operations while another one ends.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { postgresEnv } from './postgres-env.ts'
import { readLines, spawnScript } from './run-child.ts'
import { testStores } from './test-stores.ts'

const stores = await testStores('txscope')

async function runChild(url: string): Promise<{ before: number; inside: number; after: number }> {
  const lines: string[] = []
  const code = await readLines(spawnScript('./transaction-scope-child.ts', [url]), (line) => lines.push(line))
  assert.equal(code, 0)
  return JSON.parse(lines.at(-1)!)
}

for (const url of ['memory:', 'sqlite::memory:']) {
  test(`${url} once its transactions end, promises run without async hooks again`, async () => {
    const ids = await runChild(url)
    assert.equal(ids.before, 0)
    assert.notEqual(ids.inside, 0, 'inside a transaction the context is carried')
    assert.equal(ids.after, 0)
  })
}

test('PostgreSQL: once its transactions end, promises run without async hooks again', async (t) => {
  const env = await postgresEnv('txscope_child')
  if (typeof env === 'string') return t.skip(env)
  try {
    const ids = await runChild(env.url)
    assert.equal(ids.before, 0)
    assert.notEqual(ids.inside, 0, 'inside a transaction the context is carried')
    assert.equal(ids.after, 0)
  } finally {
    await env.drop()
  }
})

for (const store of stores) {
  test(`${store.name}: a transaction keeps its operations while another one ends`, async (t) => {
    if (store.skip) return t.skip(store.skip)
    const db = await store.connect()
    const notes = db.collection('notes')
    const first = db.transaction(() => notes.insertOne({ _id: 'first' }))
    const second = db.transaction(async () => {
      await notes.insertOne({ _id: 'second' })
      await first
      // The other transaction has ended; this write still belongs to this one.
      await notes.insertOne({ _id: 'second, later' })
      throw new Error('roll back')
    })
    await assert.rejects(second, /roll back/)
    await first
    assert.deepEqual(
      (await notes.find({}).toArray()).map((doc) => doc._id),
      ['first'],
    )
  })
}
