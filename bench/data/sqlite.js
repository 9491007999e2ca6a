// Weft on SQLite against raw better-sqlite3 with hand-written SQL over the same layout
// (a JSON document column, expression indexes on the queried fields).

import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'weftjs/data'

// better-sqlite3 is a dependency of the weft package; resolve it from there.
const require = createRequire(import.meta.resolve('weftjs/data'))
const Database = require('better-sqlite3')

function tempFile() {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-'))
  return { file: join(dir, 'bench.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export function rawSqlite() {
  const { file, cleanup } = tempFile()
  let db
  let stmt
  return {
    name: 'better-sqlite3 (raw SQL)',
    async open() {
      db = new Database(file)
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      // The page cache Weft's store asks for: both sides read from the same amount of memory.
      db.pragma('cache_size = -65536')
      db.exec('CREATE TABLE docs (_id TEXT PRIMARY KEY, doc TEXT NOT NULL)')
      db.exec("CREATE INDEX docs_email ON docs (json_extract(doc, '$.email'))")
      db.exec("CREATE INDEX docs_age ON docs (json_extract(doc, '$.age'))")
      stmt = {
        insert: db.prepare('INSERT INTO docs (_id, doc) VALUES (?, ?)'),
        byEmail: db.prepare("SELECT doc FROM docs WHERE json_extract(doc, '$.email') = ?"),
        range: db.prepare(
          "SELECT doc FROM docs WHERE json_extract(doc, '$.age') >= ? AND json_extract(doc, '$.age') < ? " +
            "ORDER BY json_extract(doc, '$.age') DESC LIMIT 10",
        ),
        inc: db.prepare(
          "UPDATE docs SET doc = json_set(doc, '$.score', json_extract(doc, '$.score') + 1) WHERE _id = ?",
        ),
      }
    },
    async insertMany(docs) {
      db.transaction(() => {
        for (const doc of docs) stmt.insert.run(doc._id, JSON.stringify(doc))
      })()
    },
    async findByEmail(email) {
      return stmt.byEmail.all(email).map((row) => JSON.parse(row.doc))
    },
    async rangeTop(lo, hi) {
      return stmt.range.all(lo, hi).map((row) => JSON.parse(row.doc))
    },
    async incScore(id) {
      stmt.inc.run(id)
    },
    async close() {
      db.close()
      cleanup()
    },
  }
}

export function weftSqlite() {
  const { file, cleanup } = tempFile()
  let db
  let docs
  return {
    name: 'Weft on SQLite',
    async open() {
      db = await connect(`sqlite:${file}?driver=better-sqlite3`)
      docs = db.collection('docs')
      await docs.createIndex({ email: 1 })
      await docs.createIndex({ age: -1 })
    },
    insertMany: (batch) => docs.insertMany(batch),
    findByEmail: (email) => docs.find({ email }).toArray(),
    rangeTop: (lo, hi) =>
      docs.find({ age: { $gte: lo, $lt: hi } }, { sort: { age: -1 }, limit: 10 }).toArray(),
    incScore: (id) => docs.updateOne({ _id: id }, { $inc: { score: 1 } }),
    async close() {
      await db.close()
      cleanup()
    },
  }
}
