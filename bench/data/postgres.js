// Weft on PostgreSQL against raw `pg` with hand-written SQL (JSONB column, expression
// indexes). Both use a pg.Pool and run one operation at a time.

import pg from 'pg'
import { connect } from 'weftjs/data'

export const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const schema = `weft_bench_${process.pid}`

export async function postgresReachable() {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.end()
    return true
  } catch {
    return false
  }
}

async function dropSchema(name) {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`)
  await client.end()
}

/**
 * Raw pg. `prepared`: every statement named, so PostgreSQL parses and plans it once per
 * connection, as Weft's are; pg's default (unnamed) plans each call anew.
 */
export function rawPostgres({ prepared = false } = {}) {
  const name = `${schema}_raw${prepared ? '_prepared' : ''}`
  let pool
  const names = new Map()
  // pool.query with a name when prepared: one name per SQL text.
  const query = (text, values) => {
    if (!prepared) return pool.query(text, values)
    if (!names.has(text)) names.set(text, `raw_${names.size}`)
    return pool.query({ name: names.get(text), text, values })
  }
  return {
    name: prepared ? 'pg (raw SQL, prepared)' : 'pg (raw SQL)',
    async open() {
      await dropSchema(name)
      const client = new pg.Client({ connectionString: POSTGRES_URL })
      await client.connect()
      await client.query(`CREATE SCHEMA "${name}"`)
      await client.end()
      pool = new pg.Pool({ connectionString: POSTGRES_URL, options: `-c search_path=${name}` })
      await pool.query('CREATE TABLE docs (_id TEXT PRIMARY KEY, doc JSONB NOT NULL)')
      await pool.query("CREATE INDEX docs_email ON docs ((doc->>'email'))")
      await pool.query("CREATE INDEX docs_age ON docs (((doc->>'age')::int))")
    },
    async insertMany(docs) {
      await query('INSERT INTO docs (_id, doc) SELECT * FROM unnest($1::text[], $2::jsonb[])', [
        docs.map((doc) => doc._id),
        docs.map((doc) => JSON.stringify(doc)),
      ])
    },
    async afterInsert() {
      await pool.query('ANALYZE docs')
    },
    async findByEmail(email) {
      return (await query("SELECT doc FROM docs WHERE doc->>'email' = $1", [email])).rows.map(
        (row) => row.doc,
      )
    },
    async rangeTop(lo, hi) {
      const sql =
        "SELECT doc FROM docs WHERE (doc->>'age')::int >= $1 AND (doc->>'age')::int < $2 " +
        "ORDER BY (doc->>'age')::int DESC LIMIT 10"
      return (await query(sql, [lo, hi])).rows.map((row) => row.doc)
    },
    async incScore(id) {
      await query(
        "UPDATE docs SET doc = jsonb_set(doc, '{score}', to_jsonb((doc->>'score')::int + 1)) WHERE _id = $1",
        [id],
      )
    },
    async close() {
      await pool.end()
      await dropSchema(name)
    },
  }
}

export function weftPostgres() {
  const name = `${schema}_weft`
  let db
  let docs
  return {
    name: 'Weft on PostgreSQL',
    async open() {
      await dropSchema(name)
      db = await connect(`${POSTGRES_URL}?schema=${name}`)
      docs = db.collection('docs')
      await docs.createIndex({ email: 1 })
      await docs.createIndex({ age: -1 })
    },
    insertMany: (batch) => docs.insertMany(batch),
    async afterInsert() {
      const client = new pg.Client({ connectionString: POSTGRES_URL })
      await client.connect()
      await client.query(`ANALYZE "${name}".docs`)
      await client.end()
    },
    findByEmail: (email) => docs.find({ email }).toArray(),
    rangeTop: (lo, hi) =>
      docs.find({ age: { $gte: lo, $lt: hi } }, { sort: { age: -1 }, limit: 10 }).toArray(),
    incScore: (id) => docs.updateOne({ _id: id }, { $inc: { score: 1 } }),
    async close() {
      await db.close()
      await dropSchema(name)
    },
  }
}
