// Collections with a Standard Schema: every write is validated, failures list each issue.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect, type StandardSchemaV1, ValidationError } from 'weftjs/data'
import { z } from 'zod'

const Task = z.object({
  title: z.string().min(1),
  done: z.boolean().default(false),
  edits: z.number().int().nonnegative().optional(),
  tags: z.array(z.string()).optional(),
})

async function tasks() {
  const db = await connect('memory:')
  return db.collection('tasks', Task)
}

/** Tasks whose schema declares numeric ids: `_id` is typed `number`, not the default string. */
async function numberedTasks() {
  const db = await connect('memory:')
  return db.collection('tasks', Task.extend({ _id: z.number().optional() }))
}

test('a valid insert stores the schema output (defaults applied) with a generated _id', async () => {
  const collection = await tasks()
  const { insertedId, document } = await collection.insertOne({ title: 'Ship' })
  assert.match(String(insertedId), /^[0-9a-f]{24}$/)
  assert.deepEqual(document, { _id: insertedId, title: 'Ship', done: false })
  const read = await collection.findOne({ _id: insertedId })
  // Reads are typed from the schema output: title is a string, done a boolean.
  const title: string | undefined = read?.title
  const done: boolean | undefined = read?.done
  assert.deepEqual([title, done], ['Ship', false])
})

test('an invalid insert raises ValidationError listing every issue with its path', async () => {
  const collection = await tasks()
  const error = await collection.insertOne({ title: '', done: 'no' } as never).catch((e: unknown) => e)
  assert.ok(error instanceof ValidationError)
  assert.equal(error.code, 'WEFT_DATA_VALIDATION')
  assert.deepEqual(error.issues.map((issue) => issue.path.join('.')).sort(), ['done', 'title'])
  assert.match(error.message, /title: /)
  assert.match(error.message, /done: /)
  assert.equal(await collection.countDocuments(), 0)
})

test('insertMany validates every document first: one bad document writes none', async () => {
  const collection = await tasks()
  const error = await collection
    .insertMany([{ title: 'a' }, { title: 'b' }, { title: 3 } as never, { title: 'd' }])
    .catch((e: unknown) => e)
  assert.ok(error instanceof ValidationError)
  assert.deepEqual(error.issues[0].path, ['title'])
  assert.equal(await collection.countDocuments(), 0)
})

test('updates are validated on the resulting document', async () => {
  const collection = await numberedTasks()
  await collection.insertMany([
    { _id: 1, title: 'a' },
    { _id: 2, title: 'b', edits: 0 },
  ])
  await collection.updateOne({ _id: 1 }, { $inc: { edits: 1 } })
  assert.equal((await collection.findOne({ _id: 1 }))?.edits, 1)
  await assert.rejects(collection.updateOne({ _id: 1 }, { $set: { edits: -5 } }), ValidationError)
  await assert.rejects(collection.updateMany({}, { $unset: { title: '' } }), ValidationError)
  await assert.rejects(collection.updateOne({ _id: 2 }, { $push: { tags: 7 } }), (error: ValidationError) => {
    assert.deepEqual(error.issues[0].path, ['tags', 0])
    return true
  })
  assert.deepEqual(
    await collection.find({}, { sort: { _id: 1 } }).toArray(),
    [
      { _id: 1, title: 'a', done: false, edits: 1 },
      { _id: 2, title: 'b', done: false, edits: 0 },
    ],
    'failed updates wrote nothing',
  )
})

test('replacements and upserts are validated too', async () => {
  const collection = await numberedTasks()
  await collection.insertOne({ _id: 1, title: 'a' })
  await assert.rejects(collection.replaceOne({ _id: 1 }, { title: 5 } as never), ValidationError)
  await assert.rejects(
    collection.updateOne({ _id: 9 }, { $set: { done: true } }, { upsert: true }),
    ValidationError,
  )
  await collection.updateOne({ _id: 9 }, { $set: { title: 'new' } }, { upsert: true })
  assert.deepEqual(await collection.findOne({ _id: 9 }), { _id: 9, title: 'new', done: false })
})

test('any Standard Schema works, including async ones', async () => {
  const Even: StandardSchemaV1<{ n: number }> = {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: async (value) => {
        const n = (value as { n?: unknown }).n
        if (typeof n === 'number' && n % 2 === 0) return { value: value as { n: number } }
        return { issues: [{ message: 'must be even', path: [{ key: 'n' }] }] }
      },
    },
  }
  const db = await connect('memory:')
  const numbers = db.collection('numbers', Even)
  await numbers.insertOne({ n: 2 })
  const error = await numbers.insertOne({ n: 3 }).catch((e: unknown) => e)
  assert.ok(error instanceof ValidationError)
  assert.deepEqual(error.issues, [{ message: 'must be even', path: ['n'] }])
})
