// Type tests for publications and methods: `realtimeClient<typeof live>` sees publication
// names, their arguments and document types, and method arguments and answers.
// Each @ts-expect-error must stay an error.

import { realtimeClient } from 'weftjs/client'
import { connect, type WithId } from 'weftjs/data'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

interface Task {
  _id: string
  board: string
  title: string
  done: boolean
}

const db = await connect('memory:')
const tasks = db.collection<Task>('tasks')

const live = realtime<{ id: string }>()
  .publish('tasks', { args: z.object({ board: z.string() }) }, (conn, args) => {
    type Args = Expect<Equal<typeof args, { board: string }>>
    type UserId = Expect<Equal<typeof conn.user.id, string>>
    return tasks.find({ board: args.board })
  })
  .publish('all', {}, () => [tasks.find({})])
  .method('addTask', { args: z.object({ board: z.string(), title: z.string() }) }, async (_conn, input) => {
    type Input = Expect<Equal<typeof input, { board: string; title: string }>>
    return (await tasks.insertOne({ _id: 'x', ...input, done: false })).insertedId
  })
  .method('count', { result: z.number() }, () => 3)

const rt = realtimeClient<typeof live>('ws://localhost:3000/live')
const sub = rt.subscribe('tasks', { board: 'b1' })
type Docs = Expect<Equal<typeof sub.docs, WithId<Task>[]>>
sub.on('change', (docs) => {
  type Changed = Expect<Equal<typeof docs, WithId<Task>[]>>
})
rt.subscribe('all')
// @ts-expect-error: 'tasks' needs its board
rt.subscribe('tasks')
// @ts-expect-error: no such publication
rt.subscribe('nothing', {})
// @ts-expect-error: the board is a string
rt.subscribe('tasks', { board: 1 })

const id = await rt.call(
  'addTask',
  { board: 'b1', title: 'Ship' },
  {
    optimistic: (local) => local.insert(sub, { title: 'Ship' }),
  },
)
type Id = Expect<Equal<typeof id, string>>
const count = await rt.call('count', undefined)
type Count = Expect<Equal<typeof count, number>>
// @ts-expect-error: title is missing
await rt.call('addTask', { board: 'b1' })
// @ts-expect-error: no such method
await rt.call('nope', {})
