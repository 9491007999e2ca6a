// What a PostgreSQL collection and its reads need from the store (postgres.ts gives it),
// in a file of its own so that the collection's parts import it from below, not from
// each other.

export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>
}

/** What a collection needs from its store (see postgres.ts). */
export interface PostgresHost {
  readonly pool: Queryable
  readonly schema: string
  readonly channel: string
  /** The transaction's client, else the pool; statements prepared. */
  readonly db: Queryable
  /**
   * As `db`, but outside a transaction on connections that plan each prepared statement
   * once (see postgres.ts): for reads whose plan no parameter can change.
   */
  readonly planOnceDb: Queryable
  readonly inTransaction: boolean
  transaction<T>(fn: () => Promise<T>): Promise<T>
  afterRollback(undo: () => void): void
  /** Resolves once the changes committed before the call have reached the watchers. */
  fence(): Promise<void>
  /** Called by each watch(): the change feed LISTENs from then on. */
  watching(): void
  /** Pending while the change feed starts to LISTEN; statements wait for it. */
  readonly feedStarting: Promise<void> | null
}
