import pg from 'pg'
const url = 'postgres://postgres@127.0.0.1:5432/test'
const pool = new pg.Pool({ connectionString: url })
await pool.query('DROP SCHEMA IF EXISTS weft_ins3 CASCADE'); await pool.query('CREATE SCHEMA weft_ins3')
for (const t of ['a', 'b']) {
  await pool.query(`CREATE TABLE weft_ins3.${t} (seq BIGSERIAL, _id TEXT PRIMARY KEY, doc JSONB NOT NULL, body TEXT NOT NULL)`)
  await pool.query(`CREATE INDEX ON weft_ins3.${t} ((doc #> '{email}'), seq)`)
  await pool.query(`CREATE INDEX ON weft_ins3.${t} ((doc #> '{age}') DESC, seq)`)
}
let n = 0
const batch = () => Array.from({ length: 1000 }, () => { const i = n++; return { _id: `u${i}`, email: `u${i}@x.io`, name: `User ${i}`, age: i % 100, score: i % 1000, tags: ['a', 'b'], profile: { city: `c${i % 50}`, active: i % 2 === 0 } } })
const arrays = (b) => { const keys = b.map((d) => JSON.stringify(d._id)); const bodies = b.map((d) => JSON.stringify(d)); return pool.query('INSERT INTO weft_ins3.a (_id, doc, body) SELECT k, coalesce(j, b)::jsonb, b FROM unnest($1::text[], $2::text[], $3::text[]) AS u(k, b, j)', [keys, bodies, bodies.map(() => null)]) }
const joined = (b) => { const keys = b.map((d) => JSON.stringify(d._id)); const bodies = b.map((d) => JSON.stringify(d)); return pool.query('INSERT INTO weft_ins3.b (_id, doc, body) SELECT k, e::jsonb, e::text FROM ROWS FROM (unnest($1::text[]), json_array_elements($2::json)) AS u(k, e)', [keys, `[${bodies.join(',')}]`]) }
for (let round = 0; round < 4; round++) {
  for (const [name, fn] of [['arrays', arrays], ['joined', joined]]) {
    const batches = Array.from({ length: 10 }, batch)
    const t0 = performance.now(); const c0 = process.cpuUsage()
    for (const b of batches) await fn(b)
    const c = process.cpuUsage(c0)
    console.log(name, ((performance.now() - t0) / 10).toFixed(2), 'ms/batch', ((c.user + c.system) / 10000).toFixed(2), 'ms cpu')
  }
}
await pool.query('DROP SCHEMA IF EXISTS weft_ins3 CASCADE'); await pool.end()
