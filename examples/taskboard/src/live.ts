import { module, type OnDestroy, token } from 'weftjs/di'
import { type Live, realtime } from 'weftjs/realtime'
import { z } from 'zod'
import { TaskRepo } from './modules/tasks.ts'

const TaskId = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'not a task id') })

/**
 * The live board over one WebSocket: the `tasks` publication (a live query: every tab
 * sees every change, from this instance or another), the methods that write, and a
 * `board` channel whose presence counts the open tabs. `broker` (redis://, nats://)
 * joins several instances; without it everything stays in the process.
 */
export function createLive(broker?: string) {
  return realtime({ broker, logger: false })
    .publish('tasks', {}, (conn) => conn.get(TaskRepo).tasks.find({}, { sort: { _id: -1 }, limit: 100 }))
    .method(
      'addTask',
      { args: z.object({ title: z.string().trim().min(1).max(200) }) },
      async (conn, { title }) => {
        const { document } = await conn.get(TaskRepo).tasks.insertOne({ title, done: false, tags: [] })
        return document._id
      },
    )
    .method('setDone', { args: TaskId.extend({ done: z.boolean() }) }, async (conn, { id, done }) => {
      await conn.get(TaskRepo).update(id, { done })
    })
    .method('deleteTask', { args: TaskId }, (conn, { id }) => conn.get(TaskRepo).remove(id))
    .channel('board', { presence: true })
}

export type TaskboardLive = ReturnType<typeof createLive>

/** Leaves the broker when the server closes (after in-flight requests). */
class LiveCloser implements OnDestroy {
  constructor(private readonly live: Live<any, any>) {}
  onDestroy() {
    return this.live.shutdown()
  }
}
const CLOSER = token<LiveCloser>('LIVE_CLOSER')

export function liveModule(live: Live<any, any>) {
  return module({ name: 'live', providers: [{ provide: CLOSER, useFactory: () => new LiveCloser(live) }] })
}
