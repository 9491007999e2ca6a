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
  })
}
