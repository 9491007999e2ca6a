// Where the PostgreSQL tests run: POSTGRES_URL, else the local test server. Each test
// file gets its own schema (dropped at the end), so runs never see each other's tables.
// No server: under CI=true that is a failure; elsewhere the tests skip, loudly.

import type { TestContext } from 'node:test'
import pg from 'pg'
import { connect, type Db } from 'weftjs/data'

const base = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface PostgresEnv {
  /** A store URL with a fresh schema. */
  url: string
  schema: string
  /** Raw client on the same database (for EXPLAIN and checks). */
  client: pg.Client
  drop(): Promise<void>
}

/** A fresh schema on the test server, or a skip reason (throws under CI=true). */
export async function postgresEnv(label: string): Promise<PostgresEnv | string> {
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
  } catch (error) {
    const reason = `PostgreSQL at ${base} is not reachable (${String(error)})`
    if (process.env.CI === 'true')
      throw new Error(`${reason}; CI=true requires it. Start PostgreSQL or set POSTGRES_URL.`)
    console.error(`\n*** SKIPPING PostgreSQL tests: ${reason}. Set POSTGRES_URL to run them. ***\n`)
    return reason
  }
  const schema = `weft_test_${label}_${process.pid}_${Date.now().toString(36)}`
  const url = new URL(base)
  url.searchParams.set('schema', schema)
  return {
    url: url.toString(),
    schema,
    client,
    async drop() {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
    },
  }
}

/**
 * Runs `body` with a Weft database on a fresh schema of the test server, then closes it
 * and drops the schema; skips the test (loudly; a failure under CI=true) when no server answers.
 */
export async function withPostgres(
  t: TestContext,
  label: string,
  body: (db: Db, env: PostgresEnv) => Promise<void>,
): Promise<void> {
  const env = await postgresEnv(label)
  if (typeof env === 'string') return t.skip(env)
  try {
    const db = await connect(env.url)
    try {
      await body(db, env)
    } finally {
      await db.close()
    }
  } finally {
    await env.drop()
  }
}
