// The realtime app the publication and method tests share: tasks per board and owner,
// with a field no publication projects (`secret`) and methods that write, fail, or refuse.
import { HttpError } from 'weftjs'
import type { Db } from 'weftjs/data'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'

export interface Task {
  _id: string
  board: string
  title: string
  done: boolean
  owner: string
  secret: string
}

export function makeLive(db: Db, collection: string, options: { dev?: boolean } = {}) {
  const tasks = db.collection<Task>(collection)
  const Board = z.object({ board: z.string().min(1) })
  const live = realtime<{ id: string }>({
    logger: false,
    dev: options.dev,
    limits: { subscriptions: 5 },
    authenticate: (_ctx, token) => (token ? { id: token } : null),
  })
    .publish('tasks', { args: Board }, (conn, { board }) =>
      tasks.find(
        { board, owner: conn.user.id },
        { sort: { title: 1 }, projection: { board: 1, title: 1, done: 1, owner: 1 } },
      ),
    )
    .publish('titles', { args: Board }, (conn, { board }) =>
      tasks.find({ board, owner: conn.user.id }, { projection: { title: 1 } }),
    )
    .publish('titlesUntracked', { args: Board, mergebox: false }, (conn, { board }) =>
      tasks.find({ board, owner: conn.user.id }, { projection: { title: 1 } }),
    )
    .publish('flags', { args: Board }, (conn, { board }) =>
      tasks.find({ board, owner: conn.user.id }, { projection: { done: 1 } }),
    )
    .publish('everything', {}, (conn) => {
      if (conn.user.id !== 'admin') throw new HttpError(403, 'Only admins see everything')
      return tasks.find({})
    })
    .method(
      'addTask',
      { args: z.object({ board: z.string(), title: z.string().min(1) }) },
      async (conn, input) => {
        const { insertedId } = await tasks.insertOne({
          _id: `t-${Math.random().toString(36).slice(2)}`,
          ...input,
          done: false,
          owner: conn.user.id,
          secret: 's3cret',
        })
        return insertedId
      },
    )
    .method('complete', { args: z.object({ id: z.string() }) }, async (conn, { id }) => {
      const { matchedCount } = await tasks.updateOne(
        { _id: id, owner: conn.user.id },
        { $set: { done: true } },
      )
      if (matchedCount === 0) throw new HttpError(404, 'No such task')
      return { done: true }
    })
    .method('adminOnly', {}, () => {
      throw new HttpError(403, 'Not allowed')
    })
    .method('crash', {}, () => {
      throw new Error('database password is hunter2')
    })
  return { live, tasks }
}
