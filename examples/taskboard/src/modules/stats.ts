import { CONTEXT, inject, module } from 'weftjs/di'
import { TaskRepo, tasksModule } from './tasks.ts'

/** Counts over the tasks module's repository: what a second module sees of the first. */
export class StatsService {
  private readonly repo = inject(TaskRepo)

  async summary() {
    const all = await this.repo.tasks.find({}).toArray()
    const done = all.filter((task) => task.done).length
    return { total: all.length, done, open: all.length - done }
  }
}

/** Per request: who asked, read from the request itself. */
export class Requester {
  static scope = 'request' as const
  readonly name = inject(CONTEXT).headerValue('x-user') ?? 'anonymous'
}

export const statsModule = module({
  name: 'stats',
  prefix: '/api/stats',
  imports: [tasksModule],
  providers: [StatsService, Requester],
  middleware: [
    async (ctx, next) => {
      await next()
      ctx.header('cache-control', 'no-store')
    },
  ],
  routes: (r) =>
    r.get('/', async (ctx) => ({ ...(await ctx.get(StatsService).summary()), for: ctx.get(Requester).name })),
})
