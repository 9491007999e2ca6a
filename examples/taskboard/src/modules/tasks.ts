import { HttpError } from 'weft'
import { inject, module } from 'weft/di'
import { z } from 'zod'
import { DB } from './database.ts'

export const Task = z.object({
  title: z.string().trim().min(1).max(200),
  done: z.boolean().default(false),
  tags: z.array(z.string().max(30)).max(10).default([]),
})
const TaskId = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'not a task id') })

/** Data access for tasks; exported, so other modules can read tasks too. */
export class TaskRepo {
  readonly tasks = inject(DB).collection('tasks', Task)

  list(limit = 20) {
    return this.tasks.find({}, { sort: { _id: -1 }, limit }).toArray()
  }

  async get(id: string) {
    const task = await this.tasks.findOne({ _id: id })
    if (!task) throw new HttpError(404, `No task with id ${id}`, { code: 'TASK_NOT_FOUND' })
    return task
  }
}

/** The tasks API: a module with its own prefix and its repository injected. */
export const tasksModule = module({
  name: 'tasks',
  prefix: '/api/tasks',
  providers: [TaskRepo],
  exports: [TaskRepo],
  routes: (r) => {
    r.get('/', (ctx) => ctx.get(TaskRepo).list())
    r.get('/:id', { params: TaskId }, (ctx) => ctx.get(TaskRepo).get(ctx.params.id))
    r.post('/', { body: Task }, async (ctx) => {
      const { document } = await ctx.get(TaskRepo).tasks.insertOne(ctx.body)
      ctx.header('location', `/api/tasks/${document._id}`)
      return ctx.json(document, 201)
    })
  },
})
