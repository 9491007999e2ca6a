// The PostgreSQL side of the growth benchmark: Weft in one schema, raw `pg` in another
// with a JSONB column and the same expression index Weft makes (`doc #> '{city}'`).

import pg from 'pg'
import { connect } from 'weftjs/data'
import { POSTGRES_URL } from './postgres.js'

const schema = `weft_growth_${process.pid}`

export function growthPostgres() {
  let db
  let pool
  const subject = {
    docs: null,
    raw: [],
    async open() {
      pool = new pg.Pool({ connectionString: POSTGRES_URL })
      await pool.query(`DROP SCHEMA IF EXISTS ${schema}_raw CASCADE`)
      await pool.query(`CREATE SCHEMA ${schema}_raw`)
      await pool.query(`CREATE TABLE ${schema}_raw.docs (_id TEXT PRIMARY KEY, doc JSONB NOT NULL)`)
      await pool.query(`CREATE INDEX ON ${schema}_raw.docs ((doc #> '{city}'))`)
      db = await connect(`${POSTGRES_URL}?schema=${schema}_weft&statementTimeout=0`)
      subject.docs = db.collection('docs')
      await subject.docs.createIndex({ city: 1 })
      const t = `${schema}_raw.docs`
      const docs = async (sql, params) => (await pool.query(sql, params)).rows.map((row) => row.doc)
      subject.raw = [
        () => docs(`SELECT doc FROM ${t} WHERE doc #> '{city}' = $1::jsonb`, ['"c42"']),
        () =>
          docs(`SELECT doc FROM ${t} WHERE doc #> '{city}' = $1::jsonb AND (doc->>'score')::numeric > $2`, [
            '"c42"',
            500,
          ]),
        () =>
          docs(
            `SELECT doc FROM ${t} WHERE (doc->>'age')::numeric >= $1 ORDER BY (doc->>'score')::numeric DESC, _id ASC LIMIT 10`,
            [50],
          ),
        async () =>
          (
            await pool.query(
              `SELECT count(*)::int AS n FROM ${t} WHERE doc #> '{city}' = $1::jsonb AND (doc->>'score')::numeric > $2`,
              ['"c42"', 500],
            )
          ).rows[0].n,
      ]
    },
    async insert(batch) {
      await subject.docs.insertMany(batch)
      await pool.query(
        `INSERT INTO ${schema}_raw.docs (_id, doc) SELECT * FROM unnest($1::text[], $2::jsonb[])`,
        [batch.map((doc) => doc._id), batch.map((doc) => JSON.stringify(doc))],
      )
    },
    async analyze() {
      await pool.query(`VACUUM ANALYZE ${schema}_raw.docs`)
      await pool.query(`VACUUM ANALYZE ${schema}_weft.docs`)
    },
    async close() {
      await db.close()
      await pool.query(`DROP SCHEMA IF EXISTS ${schema}_raw CASCADE`)
      await pool.query(`DROP SCHEMA IF EXISTS ${schema}_weft CASCADE`)
      await pool.end()
    },
  }
  return subject
}
