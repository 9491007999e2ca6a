// Each method call and each publication run gets a request-like scope of its own, as an
// HTTP request does: `conn.get(X)` in it resolves request-scoped providers once per call,
// and they are disposed when the call ends. `inject(CONTEXT)` there is `about`: the
// connection and what it called (`{ conn, method, args }` or `{ conn, publication, args }`).
import type { Connection } from './connection.js'

/** Runs `body` with a view of `conn` whose `get()` uses a fresh scope, ended afterwards. */
export async function withCallScope<User, T>(
  conn: Connection<User>,
  about: object,
  body: (conn: Connection<User>) => T | Promise<T>,
): Promise<T> {
  const scope = conn.scope?.fork?.({ conn, ...about })
  if (!scope) return body(conn)
  const view = Object.create(conn) as Connection<User>
  view.scope = scope
  try {
    return await body(view)
  } finally {
    scope.end()
  }
}
