// The stores a test of behaviour they all share runs on: memory, SQLite in memory, and the
// PostgreSQL test server. Each connect() gives a fresh, empty database, as `memory:` and
// `sqlite::memory:` do: on PostgreSQL a schema of its own, every one dropped (and every
// database closed) when the test file ends. No server: PostgreSQL is skipped loudly, and
// under CI=true the file fails (see postgres-env.ts).

import { after } from 'node:test'
import { connect, type Db } from 'weftjs/data'
import { postgresEnv } from './postgres-env.ts'

export interface TestStore {
  name: string
  /** A fresh, empty database on this store. */
  connect(): Promise<Db>
  /** Why the store's tests are skipped, or false. */
  skip: string | false
}

/** Memory, SQLite and PostgreSQL; `label` names the PostgreSQL schemas. */
export async function testStores(label: string): Promise<TestStore[]> {
  const local = ['memory:', 'sqlite::memory:'].map((url) => ({
    name: url,
    connect: () => connect(url),
    skip: false as const,
  }))
  const env = await postgresEnv(label)
  if (typeof env === 'string') {
    const unreachable = () => Promise.reject(new Error(env))
    return [...local, { name: 'PostgreSQL', connect: unreachable, skip: env }]
  }
  const schemas: string[] = []
  const opened: Db[] = []
  after(async () => {
    // A test that failed halfway left its database open, and its pool would keep the file
    // running; closing a closed one does nothing.
    await Promise.allSettled(opened.map((db) => db.close()))
    for (const schema of schemas) await env.client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await env.client.end()
  })
  const postgres = {
    name: 'PostgreSQL',
    skip: false as const,
    async connect() {
      const schema = `${env.schema}_${schemas.length + 1}`
      schemas.push(schema)
      const url = new URL(env.url)
      url.searchParams.set('schema', schema)
      const db = await connect(url.toString())
      opened.push(db)
      return db
    },
  }
  return [...local, postgres]
}
