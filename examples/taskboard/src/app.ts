import { HttpError, weft } from 'weft'
import type { Db } from 'weft/data'
import { z } from 'zod'

const title = z.string().trim().min(1).max(200)
const tags = z.array(z.string().max(30)).max(10)

const Task = z.object({ title, done: z.boolean().default(false), tags: tags.default([]) })

// No defaults here: a patch must only change the fields it names.
const TaskPatch = z
  .object({ title, done: z.boolean(), tags })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one field')

const TaskQuery = z.object({
  done: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  tag: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})

const TaskId = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'not a task id') })

/** The taskboard: a JSON API over one collection, with the middleware a real app has. */
export function createApp(db: Db) {
  const tasks = db.collection('tasks', Task)
  const app = weft()

  // Timing on the way out: the onion lets one middleware wrap everything after it.
  app.use(async (ctx, next) => {
    const started = performance.now()
    await next()
    ctx.header('server-timing', `app;dur=${(performance.now() - started).toFixed(1)}`)
  })

  app.get('/', (ctx) =>
    ctx.html(`<!doctype html><title>Taskboard</title><h1>Taskboard</h1>
<p>A Weft example. Try <a href="/api/tasks">/api/tasks</a>.</p>`),
  )

  app.get('/api/tasks', { query: TaskQuery }, async (ctx) => {
    const { done, tag, limit } = ctx.query
    const filter: Record<string, unknown> = {}
    if (done !== undefined) filter.done = done
    if (tag !== undefined) filter.tags = tag
    return tasks.find(filter, { sort: { _id: -1 }, limit }).toArray()
  })

  app.post('/api/tasks', { body: Task }, async (ctx) => {
    const { document } = await tasks.insertOne(ctx.body)
    ctx.header('location', `/api/tasks/${document._id}`)
    return ctx.json(document, 201)
  })

  app.get('/api/tasks/:id', { params: TaskId }, async (ctx) => {
    return (await tasks.findOne({ _id: ctx.params.id })) ?? notFound(ctx.params.id)
  })

  app.patch('/api/tasks/:id', { params: TaskId, body: TaskPatch }, async (ctx) => {
    const result = await tasks.updateOne({ _id: ctx.params.id }, { $set: ctx.body })
    if (result.matchedCount === 0) notFound(ctx.params.id)
    return tasks.findOne({ _id: ctx.params.id })
  })

  app.delete('/api/tasks/:id', { params: TaskId }, async (ctx) => {
    if ((await tasks.deleteOne({ _id: ctx.params.id })) === 0) notFound(ctx.params.id)
  })

  return app
}

function notFound(id: string): never {
  throw new HttpError(404, `No task with id ${id}`, { code: 'TASK_NOT_FOUND' })
}
