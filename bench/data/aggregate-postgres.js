// The PostgreSQL side of the aggregation benchmark: raw `pg` in a schema of its own
// (`_id`, a JSONB `doc`, expression indexes on the matched fields), answering each
// operation with hand-written SQL; Weft gets another schema. Both through a pg.Pool.
// The reads of one region run without parallel workers: PostgreSQL guesses 100 elements
// per array, plans the unwound one with a worker, and starting it took longer (about 20 ms
// a call on the 2-core machine) than the whole read without one (4 ms).

import pg from 'pg'
import { POSTGRES_URL } from './postgres.js'

const schema = `weft_aggregate_${process.pid}`

export function aggregatePostgres() {
  let pool
  let serial
  const query = async (sql, params, on = pool) => (await on.query(sql, params)).rows
  const docs = async (sql, params) => (await query(sql, params)).map((row) => row.doc)
  return {
    title: 'PostgreSQL (local, pg.Pool)',
    name: 'pg (raw SQL)',
    weftUrl: `${POSTGRES_URL}?schema=${schema}_weft`,
    async open() {
      pool = new pg.Pool({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}_raw` })
      serial = new pg.Pool({
        connectionString: POSTGRES_URL,
        options: `-c search_path=${schema}_raw -c max_parallel_workers_per_gather=0`,
      })
      await dropSchemas()
      await pool.query(`CREATE SCHEMA ${schema}_raw`)
      await pool.query('CREATE TABLE users (_id TEXT PRIMARY KEY, doc JSONB NOT NULL)')
      await pool.query('CREATE TABLE orders (_id TEXT PRIMARY KEY, doc JSONB NOT NULL)')
      await pool.query("CREATE INDEX orders_region ON orders ((doc->>'region'))")
      await pool.query("CREATE INDEX orders_day ON orders (((doc->>'day')::int))")
    },
    async insert(table, batch) {
      await pool.query(`INSERT INTO ${table} (_id, doc) SELECT * FROM unnest($1::text[], $2::jsonb[])`, [
        batch.map((doc) => doc._id),
        batch.map((doc) => JSON.stringify(doc)),
      ])
    },
    async analyze() {
      for (const name of ['raw', 'weft']) {
        await pool.query(`ANALYZE ${schema}_${name}.orders`)
        await pool.query(`ANALYZE ${schema}_${name}.users`)
      }
    },
    raw: {
      matchGroup: (region) =>
        query(
          "SELECT doc->>'status' AS _id, count(*)::int AS orders, sum((doc->>'total')::int)::int AS revenue, " +
            "avg((doc->>'total')::int)::float8 AS average FROM orders WHERE doc->>'region' = $1 GROUP BY 1",
          [region],
          serial,
        ),
      topSpenders: () =>
        query(
          "SELECT * FROM (SELECT doc->>'userId' AS _id, sum((doc->>'total')::int)::int AS spent FROM orders " +
            'GROUP BY 1) AS spenders ORDER BY spent DESC, _id COLLATE "C" LIMIT 10',
        ),
      unwindGroup: (region) =>
        query(
          "SELECT item->>'sku' AS _id, sum((item->>'qty')::int)::int AS qty " +
            "FROM orders, jsonb_array_elements(doc->'items') AS item WHERE doc->>'region' = $1 GROUP BY 1",
          [region],
          serial,
        ),
      // One statement: the orders joined to their user, shaped as $lookup's answer.
      lookup: async (day) =>
        (
          await query(
            'SELECT orders.doc AS doc, users.doc AS owner FROM orders ' +
              "LEFT JOIN users ON users._id = orders.doc->>'userId' WHERE (orders.doc->>'day')::int = $1 LIMIT 100",
            [day],
          )
        ).map((row) => ({ ...row.doc, user: row.owner === null ? [] : [row.owner] })),
      // Two statements, as populate does: the orders, then their users by id.
      async populate(day) {
        const orders = await docs("SELECT doc FROM orders WHERE (doc->>'day')::int = $1 LIMIT 100", [day])
        const ids = [...new Set(orders.map((order) => order.userId))]
        const users = new Map(
          (await docs('SELECT doc FROM users WHERE _id = ANY($1)', [ids])).map((user) => [user._id, user]),
        )
        return orders.map((order) => ({ ...order, userId: users.get(order.userId) ?? null }))
      },
    },
    async close() {
      await dropSchemas()
      await Promise.all([pool.end(), serial.end()])
    },
  }

  async function dropSchemas() {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema}_raw CASCADE`)
    await pool.query(`DROP SCHEMA IF EXISTS ${schema}_weft CASCADE`)
  }
}
