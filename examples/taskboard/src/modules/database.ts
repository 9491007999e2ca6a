import { connect, type Db } from 'weftjs/data'
import { module, type OnDestroy, token } from 'weftjs/di'

/** The connection every module may inject: the database module is global. */
export const DB = token<Db>('DB')

/** Closes the connection on `server.close()`, after in-flight requests have finished. */
class DbCloser implements OnDestroy {
  constructor(private readonly db: Db) {}
  onDestroy() {
    return this.db.close()
  }
}
const CLOSER = token<DbCloser>('DB_CLOSER')

/** A global module holding one connection; `url` as `connect()` takes it (sqlite:, postgres://, memory:). */
export function databaseModule(url: string) {
  return module({
    name: 'database',
    global: true,
    providers: [
      // Async: start-up awaits it, before anything that injects DB is built.
      { provide: DB, useFactory: () => connect(url) },
      { provide: CLOSER, useFactory: (db: Db) => new DbCloser(db), inject: [DB] },
    ],
    exports: [DB],
    // Probes for Kubernetes and load balancers. Liveness: the process serves (never the
    // database: restarting the app would not bring it back). Readiness: the database
    // answers, so traffic goes elsewhere while it does not.
    routes: (r) => {
      r.get('/healthz', () => ({ status: 'ok' }))
      r.get('/readyz', async (ctx) => {
        const { ok, kind, latencyMs, changeFeed, error } = await ctx.get(DB).health()
        ctx.header('cache-control', 'no-store')
        if (!ok) ctx.header('retry-after', '1')
        return ctx.json(
          {
            status: ok ? 'ready' : 'unavailable',
            database: { kind, latencyMs, changeFeed, error: error?.code },
          },
          ok ? 200 : 503,
        )
      })
    },
  })
}
