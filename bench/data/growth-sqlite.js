// The SQLite side of the growth benchmark: Weft on one file, raw better-sqlite3 on
// another with the same layout (`_id`, a JSON `doc`, the same expression index on city).

import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'weftjs/data'

const require = createRequire(import.meta.resolve('weftjs/data'))
const Database = require('better-sqlite3')

export function growthSqlite() {
  const dir = mkdtempSync(join(tmpdir(), 'weft-growth-'))
  let db
  let raw
  let stmt
  const subject = {
    /** Both sides run synchronously in this process: time them in its CPU time. */
    cpuTimed: true,
    docs: null,
    raw: [],
    async open() {
      db = await connect(`sqlite:${join(dir, 'weft.db')}?driver=better-sqlite3`)
      subject.docs = db.collection('docs')
      await subject.docs.createIndex({ city: 1 })
      raw = new Database(join(dir, 'raw.db'))
      raw.pragma('journal_mode = WAL')
      raw.pragma('synchronous = NORMAL')
      // The page cache Weft's store asks for: both sides read from the same amount of memory.
      raw.pragma('cache_size = -65536')
      raw.exec('CREATE TABLE docs (_id TEXT PRIMARY KEY, doc TEXT NOT NULL)')
      raw.exec("CREATE INDEX docs_city ON docs (json_extract(doc, '$.city'))")
      stmt = {
        insert: raw.prepare('INSERT INTO docs (_id, doc) VALUES (?, ?)'),
        city: raw.prepare("SELECT doc FROM docs WHERE json_extract(doc, '$.city') = ?"),
        cityScore: raw.prepare(
          "SELECT doc FROM docs WHERE json_extract(doc, '$.city') = ? AND json_extract(doc, '$.score') > ?",
        ),
        top: raw.prepare(
          "SELECT doc FROM docs WHERE json_extract(doc, '$.age') >= ? " +
            "ORDER BY json_extract(doc, '$.score') DESC, _id ASC LIMIT 10",
        ),
        count: raw.prepare(
          "SELECT count(*) AS n FROM docs WHERE json_extract(doc, '$.city') = ? AND json_extract(doc, '$.score') > ?",
        ),
      }
      const docs = (rows) => rows.map((row) => JSON.parse(row.doc))
      subject.raw = [
        () => docs(stmt.city.all('c42')),
        () => docs(stmt.cityScore.all('c42', 500)),
        () => docs(stmt.top.all(50)),
        () => stmt.count.get('c42', 500).n,
      ]
    },
    async insert(batch) {
      await subject.docs.insertMany(batch)
      raw.transaction(() => {
        for (const doc of batch) stmt.insert.run(doc._id, JSON.stringify(doc))
      })()
    },
    async close() {
      await db.close()
      raw.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return subject
}
