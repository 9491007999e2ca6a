// Declared with the collection: timestamps kept by every write, and pre/post hooks on
// insert, update and delete, in a documented order, sync or async, on every store kind.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Db } from 'weftjs/data'
import { z } from 'zod'
import { testStores } from './test-stores.ts'

const Note = z.object({ text: z.string(), n: z.number().default(0) })

const stores = await testStores('hooks')

for (const store of stores) {
  describe(`timestamps on ${store.name}`, { skip: store.skip }, () => {
    const open = async () => {
      const db = await store.connect()
      return { db, notes: db.collection('notes', Note, { timestamps: true }) }
    }

    test('insert sets createdAt and updatedAt, even when the schema does not declare them', async () => {
      const { db, notes } = await open()
      const before = Date.now()
      const { insertedId, document } = await notes.insertOne({ text: 'a' })
      const stored = (await notes.findOne({ _id: insertedId })) as Record<string, unknown>
      assert.ok(stored.createdAt instanceof Date && stored.updatedAt instanceof Date)
      assert.ok((stored.createdAt as Date).getTime() >= before)
      assert.deepEqual(stored.createdAt, stored.updatedAt)
      assert.deepEqual((document as Record<string, unknown>).createdAt, stored.createdAt)
      await db.close()
    })

    test('updates move updatedAt and keep createdAt; an upsert sets both; replaceOne stamps the replacement', async () => {
      const { db, notes } = await open()
      const { insertedId } = await notes.insertOne({ text: 'a' })
      const first = (await notes.findOne({ _id: insertedId })) as unknown as Record<string, Date>
      await new Promise((resolve) => setTimeout(resolve, 5))
      await notes.updateOne({ _id: insertedId }, { $inc: { n: 1 } })
      const second = (await notes.findOne({ _id: insertedId })) as unknown as Record<string, Date>
      assert.deepEqual(second.createdAt, first.createdAt)
      assert.ok(second.updatedAt.getTime() > first.updatedAt.getTime())
      const { upsertedId } = await notes.updateOne({ text: 'new' }, { $set: { n: 2 } }, { upsert: true })
      const upserted = (await notes.findOne({ _id: upsertedId as string })) as Record<string, unknown>
      assert.ok(upserted.createdAt instanceof Date && upserted.updatedAt instanceof Date)
      await notes.replaceOne({ _id: insertedId }, { text: 'b' })
      const replaced = (await notes.findOne({ _id: insertedId })) as Record<string, unknown>
      assert.ok(replaced.updatedAt instanceof Date && (replaced.updatedAt as Date) >= second.updatedAt)
      await db.close()
    })

    test('an update that writes updatedAt itself is left alone', async () => {
      const { db, notes } = await open()
      const { insertedId } = await notes.insertOne({ text: 'a' })
      const at = new Date('2020-01-01T00:00:00Z')
      await notes.updateOne({ _id: insertedId }, { $set: { updatedAt: at } } as never)
      assert.deepEqual(((await notes.findOne({ _id: insertedId })) as Record<string, unknown>).updatedAt, at)
      await db.close()
    })
  })
}

for (const store of stores) {
  describe(`hooks on ${store.name}`, { skip: store.skip }, () => {
    const open = async (log: string[], extra: { failInsert?: boolean } = {}) => {
      const db: Db = await store.connect()
      const notes = db.collection('notes', Note, {
        hooks: {
          pre: {
            insert: [
              (doc) => {
                log.push(`pre insert 1 ${doc.text}`)
                if (extra.failInsert && doc.text === 'bad') throw new Error('refused by hook')
                return { ...doc, text: String(doc.text).trim() }
              },
              async (doc) => {
                await new Promise((resolve) => setTimeout(resolve, 2))
                log.push(`pre insert 2 ${doc.text}`)
              },
            ],
            update: (context) => {
              log.push(`pre ${context.kind}`)
              if (context.kind === 'updateMany') context.update = { $set: { n: 5 } }
            },
            delete: async (context) => {
              log.push(`pre ${context.kind} ${JSON.stringify(context.filter)}`)
            },
          },
          post: {
            insert: async (doc) => {
              log.push(`post insert ${doc.text}`)
            },
            update: ({ kind, result }) => {
              log.push(`post ${kind} ${result.modifiedCount}`)
            },
            delete: ({ deletedCount }) => {
              log.push(`post delete ${deletedCount}`)
            },
          },
        },
      })
      return { db, notes }
    }

    test('run in the declared order around each write, sync and async', async () => {
      const log: string[] = []
      const { db, notes } = await open(log)
      await notes.insertMany([{ text: ' a ' }, { text: 'b' }])
      await notes.updateMany({}, { $set: { n: 1 } })
      await notes.updateOne({ text: 'a' }, { $set: { n: 2 } })
      await notes.replaceOne({ text: 'b' }, { text: 'c' })
      await notes.deleteMany({ text: 'a' })
      assert.deepEqual(log, [
        'pre insert 1  a ',
        'pre insert 2 a',
        'pre insert 1 b',
        'pre insert 2 b',
        'post insert a',
        'post insert b',
        'pre updateMany',
        'post updateMany 2',
        'pre updateOne',
        'post updateOne 1',
        'pre replaceOne',
        'post replaceOne 1',
        'pre deleteMany {"text":"a"}',
        'post delete 1',
      ])
      const docs = await notes.find({}, { projection: { _id: 0 } }).toArray()
      assert.deepEqual(
        docs,
        [{ text: 'c', n: 0 }],
        "updateMany's pre hook set n to 5, then replaceOne reset it",
      )
      await db.close()
    })

    test('a pre hook that throws stops the write: nothing of insertMany lands, no post hook runs', async () => {
      const log: string[] = []
      const { db, notes } = await open(log, { failInsert: true })
      await assert.rejects(notes.insertMany([{ text: 'ok' }, { text: 'bad' }]), /refused by hook/)
      assert.equal(await notes.countDocuments(), 0)
      assert.ok(!log.some((line) => line.startsWith('post')))
      await db.close()
    })
  })
}
