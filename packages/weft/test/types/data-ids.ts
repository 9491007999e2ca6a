// Type tests for document ids (weftjs/data), checked by `npm run typecheck`: `_id` is typed
// from the collection's schema, a string by default, so it fits a typed route's params.
import { weft } from 'weftjs'
import { client } from 'weftjs/client'
import { connect, type DocId } from 'weftjs/data'
import { z } from 'zod'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

const Task = z.object({ title: z.string(), done: z.boolean().default(false) })

const app = weft().get('/tasks/:id', (ctx) => ({ id: ctx.params.id }))
const api = client<typeof app>('http://127.0.0.1:3000')

async function ids() {
  const db = await connect('memory:')
  const tasks = db.collection('tasks', Task)

  // Generated ObjectIds: strings, from the insert and from reads.
  const { insertedId, document } = await tasks.insertOne({ title: 'Ship' })
  type Inserted = Expect<Equal<typeof insertedId, string>>
  type Created = Expect<Equal<typeof document._id, string>>
  const found = await tasks.findOne({ _id: insertedId })
  if (found) {
    type Found = Expect<Equal<typeof found._id, string>>
  }
  const { insertedIds } = await tasks.insertMany([{ title: 'a' }])
  type Many = Expect<Equal<typeof insertedIds, string[]>>

  // The created document's id goes straight into a typed route's params.
  await api.get('/tasks/:id', { params: { id: document._id } })
  // @ts-expect-error the default id is a string: a number is refused
  await tasks.insertOne({ _id: 7, title: 'x' })

  // A schema that declares `_id` decides its type.
  const counters = db.collection('counters', z.object({ _id: z.number(), n: z.number() }))
  const counter = await counters.insertOne({ _id: 1, n: 0 })
  type Numbered = Expect<Equal<typeof counter.document._id, number>>
  // @ts-expect-error this collection's ids are numbers
  await counters.insertOne({ _id: 'one', n: 0 })

  // A collection without a schema may hold any id the stores accept.
  const loose = await db.collection('loose').insertOne({ a: 1 })
  type Loose = Expect<Equal<typeof loose.insertedId, DocId>>
}

export { ids }
