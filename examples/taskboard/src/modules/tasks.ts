import { HttpError } from 'weftjs'
import { inject, module } from 'weftjs/di'
import { z } from 'zod'
import { DB } from './database.ts'

const title = z.string().trim().min(1).max(200)
const tags = z.array(z.string().max(30)).max(10)

export const Task = z.object({ title, done: z.boolean().default(false), tags: tags.default([]) })

// No defaults here: a patch must only change the fields it names.
const TaskPatch = z
  .object({ title, done: z.boolean(), tags })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one field')

const TaskQuery = z.object({
  done: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  tag: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

const TaskId = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'not a task id') })

/** Data access for tasks; exported, so other modules can read tasks too. */
export class TaskRepo {
  readonly tasks = inject(DB).collection('tasks', Task)

  list(query: { done?: boolean; tag?: string; limit: number }) {
    const filter: Record<string, unknown> = {}
    if (query.done !== undefined) filter.done = query.done
    if (query.tag !== undefined) filter.tags = query.tag
    return this.tasks.find(filter, { sort: { _id: -1 }, limit: query.limit }).toArray()
  }

  async get(id: string) {
    return (await this.tasks.findOne({ _id: id })) ?? notFound(id)
  }

  async update(id: string, patch: z.output<typeof TaskPatch>) {
    const result = await this.tasks.updateOne({ _id: id }, { $set: patch })
    if (result.matchedCount === 0) notFound(id)
    return this.get(id)
  }

  async remove(id: string): Promise<void> {
    if ((await this.tasks.deleteOne({ _id: id })) === 0) notFound(id)
  }
}

function notFound(id: string): never {
  throw new HttpError(404, `No task with id ${id}`, { code: 'TASK_NOT_FOUND' })
}

/** The tasks API: a module with its own prefix and its repository injected. */
export const tasksModule = module({
  name: 'tasks',
  prefix: '/api/tasks',
  providers: [TaskRepo],
  exports: [TaskRepo],
  // One chain, so the routes are in the app's type and `weftjs/client` sees them.
  routes: (r) =>
    r
      .get('/', { query: TaskQuery }, (ctx) => ctx.get(TaskRepo).list(ctx.query))
      .get('/:id', { params: TaskId }, (ctx) => ctx.get(TaskRepo).get(ctx.params.id))
      .post('/', { body: Task }, async (ctx) => {
        const { document } = await ctx.get(TaskRepo).tasks.insertOne(ctx.body)
        ctx.header('location', `/api/tasks/${document._id}`)
        return ctx.json(document, 201)
      })
      .patch('/:id', { params: TaskId, body: TaskPatch }, (ctx) =>
        ctx.get(TaskRepo).update(ctx.params.id, ctx.body),
      )
      .delete('/:id', { params: TaskId }, (ctx) => ctx.get(TaskRepo).remove(ctx.params.id)),
})
