// JSONB cannot hold U+0000. PostgreSQL keeps each document's exact text beside its JSONB
// copy, so a string holding U+0000 comes back as written, alone or in a batch, and
// queries on it answer as the memory store does.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { withPostgres } from './postgres-env.ts'

test('strings holding U+0000 come back as written, in batches and alone', async (t) => {
  await withPostgres(t, 'nul', async (db) => {
    const notes = db.collection('notes')
    const batch = [
      { _id: 1, text: 'plain' },
      { _id: 2, text: 'a\u0000b', tags: ['\u0000'] },
      { _id: 3, text: 'tail\u0000' },
    ]
    await notes.insertMany(batch)
    await notes.insertMany([
      { _id: 4, text: 'x' },
      { _id: 5, text: 'y' },
    ])
    await notes.insertOne({ _id: 6, text: '\u0000' })
    assert.deepEqual(await notes.find({}, { sort: { _id: 1 } }).toArray(), [
      ...batch,
      { _id: 4, text: 'x' },
      { _id: 5, text: 'y' },
      { _id: 6, text: '\u0000' },
    ])
    assert.deepEqual(await notes.find({ text: 'a\u0000b' }).toArray(), [batch[1]])
    assert.equal(await notes.countDocuments({ text: { $in: ['tail\u0000', '\u0000'] } }), 2)
    // JSONB holds U+FFFD where the text has U+0000: a search for U+FFFD must not find those.
    await notes.insertOne({ _id: 7, text: 'a\uFFFDb' })
    assert.deepEqual(await notes.find({ text: 'a\uFFFDb' }).toArray(), [{ _id: 7, text: 'a\uFFFDb' }])
    await notes.createIndex({ text: 1 })
    assert.deepEqual(await notes.find({ text: 'a\uFFFDb' }).toArray(), [{ _id: 7, text: 'a\uFFFDb' }])
    assert.deepEqual(await notes.find({ text: 'a\u0000b' }).toArray(), [batch[1]])
  })
})

test('line breaks in strings and keys survive a batch, which travels a document per line', async (t) => {
  await withPostgres(t, 'lines', async (db) => {
    const notes = db.collection('notes')
    const batch = [
      { _id: 'a\nb', text: 'one\ntwo', 'key\r\nwith breaks': '\u2028\u2029' },
      { _id: 2, text: '\n', lines: ['\n', '\r', '\n\n'] },
      { _id: 3, text: 'last\n' },
    ]
    await notes.insertMany(structuredClone(batch))
    assert.deepEqual(await notes.find({}).toArray(), batch)
    assert.deepEqual(await notes.find({ text: 'one\ntwo' }).toArray(), [batch[0]])
    assert.equal(await notes.countDocuments({ lines: '\n\n' }), 1)
  })
})
