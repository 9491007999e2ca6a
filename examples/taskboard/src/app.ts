import { weft } from 'weftjs'
import type { Override } from 'weftjs/di'
import { apiDocs } from 'weftjs/docs'
import { mountClientBundle } from './client-bundle.ts'
import { createLive, liveModule } from './live.ts'
import { databaseModule } from './modules/database.ts'
import { statsModule } from './modules/stats.ts'
import { tasksModule } from './modules/tasks.ts'
import { mountPages, viewsDir } from './pages.ts'

export interface TaskboardOptions {
  /** Swaps any provider, for tests. */
  override?: Override[]
  /** redis:// or nats://: joins several instances of the app (the board's presence). */
  broker?: string
}

/**
 * The taskboard: a database module (global), a tasks API and a stats module that imports
 * tasks, under app-wide middleware, and the live board over a WebSocket at /live. `url`
 * is what `connect()` takes.
 */
export function createApp(url: string, { override = [], broker }: TaskboardOptions = {}) {
  const live = createLive(broker)
  const app = weft({
    modules: [databaseModule(url), tasksModule, statsModule, liveModule(live)],
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
<p>A Weft example. Try <a href="/live-board">the live board</a> (open it in two tabs), <a href="/board">the board</a>, <a href="/api/tasks">/api/tasks</a>, <a href="/api/stats">/api/stats</a>
and the API reference at <a href="/docs">/docs</a>.</p>`),
  )
  mountPages(app)
  app.ws('/live', live)
  mountClientBundle(app)
  // GET /openapi.json and the API reference page at /docs.
  return apiDocs(app, { info: { title: 'Taskboard', version: '1.0.0' } })
}

/** The app's type, for `client<Taskboard>(url)` from `weftjs/client`. */
export type Taskboard = ReturnType<typeof createApp>
