import { weft } from 'weftjs'
import type { Override } from 'weftjs/di'
import { apiDocs } from 'weftjs/docs'
import { databaseModule } from './modules/database.ts'
import { statsModule } from './modules/stats.ts'
import { tasksModule } from './modules/tasks.ts'
import { mountPages, viewsDir } from './pages.ts'

/**
 * The taskboard: a database module (global), a tasks API and a stats module that imports
 * tasks, under app-wide middleware. `url` is what `connect()` takes; `override` swaps any
 * provider, for tests.
 */
export function createApp(url: string, override: Override[] = []) {
  const app = weft({
    modules: [databaseModule(url), tasksModule, statsModule],
    override,
    views: { dir: viewsDir },
  })

  // Timing on the way out: the onion lets one middleware wrap everything after it.
  app.use(async (ctx, next) => {
    const started = performance.now()
    await next()
    ctx.header('server-timing', `app;dur=${(performance.now() - started).toFixed(1)}`)
  })

  app.get('/', (ctx) =>
    ctx.html(`<!doctype html><title>Taskboard</title><h1>Taskboard</h1>
<p>A Weft example. Try <a href="/board">the board</a>, <a href="/api/tasks">/api/tasks</a>, <a href="/api/stats">/api/stats</a>
and the API reference at <a href="/docs">/docs</a>.</p>`),
  )
  mountPages(app)
  // GET /openapi.json and the API reference page at /docs.
  return apiDocs(app, { info: { title: 'Taskboard', version: '1.0.0' } })
}

/** The app's type, for `client<Taskboard>(url)` from `weftjs/client`. */
export type Taskboard = ReturnType<typeof createApp>
