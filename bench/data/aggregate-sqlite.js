// The SQLite side of the aggregation benchmark: raw better-sqlite3 on a file of its own,
// in the layout Weft uses (`_id`, a JSON `doc`, expression indexes on the matched fields),
// answering each operation with hand-written SQL; Weft gets another file in the same folder.

import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// better-sqlite3 is a dependency of the weft package; resolve it from there.
const require = createRequire(import.meta.resolve('weftjs/data'))
const Database = require('better-sqlite3')

// A table name only where a join makes `doc` ambiguous: index expressions take none.
const field = (path, table) => `json_extract(${table ? `${table}.` : ''}doc, '$.${path}')`

export function aggregateSqlite() {
  const dir = mkdtempSync(join(tmpdir(), 'weft-aggregate-'))
  let db
  let stmt
  const parse = (row) => JSON.parse(row.doc)
  return {
    title: 'SQLite (file, WAL)',
    name: 'better-sqlite3 (raw SQL)',
    weftUrl: `sqlite:${join(dir, 'weft.db')}?driver=better-sqlite3`,
    async open() {
      db = new Database(join(dir, 'raw.db'))
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      // The page cache Weft's store asks for: both sides read from the same amount of memory.
      db.pragma('cache_size = -65536')
      db.exec('CREATE TABLE users (_id TEXT PRIMARY KEY, doc TEXT NOT NULL)')
      db.exec('CREATE TABLE orders (_id TEXT PRIMARY KEY, doc TEXT NOT NULL)')
      db.exec(`CREATE INDEX orders_region ON orders (${field('region')})`)
      db.exec(`CREATE INDEX orders_day ON orders (${field('day')})`)
      stmt = {
        users: db.prepare('INSERT INTO users (_id, doc) VALUES (?, ?)'),
        orders: db.prepare('INSERT INTO orders (_id, doc) VALUES (?, ?)'),
        matchGroup: db.prepare(
          `SELECT ${field('status')} AS _id, count(*) AS orders, sum(${field('total')}) AS revenue, ` +
            `avg(${field('total')}) AS average FROM orders WHERE ${field('region')} = ? GROUP BY 1`,
        ),
        topSpenders: db.prepare(
          `SELECT ${field('userId')} AS _id, sum(${field('total')}) AS spent FROM orders ` +
            'GROUP BY 1 ORDER BY spent DESC, _id LIMIT 10',
        ),
        unwindGroup: db.prepare(
          "SELECT json_extract(item.value, '$.sku') AS _id, sum(json_extract(item.value, '$.qty')) AS qty " +
            `FROM orders, json_each(orders.doc, '$.items') AS item WHERE ${field('region', 'orders')} = ? GROUP BY 1`,
        ),
        lookup: db.prepare(
          'SELECT orders.doc AS doc, users.doc AS owner FROM orders ' +
            `LEFT JOIN users ON users._id = ${field('userId', 'orders')} WHERE ${field('day', 'orders')} = ? LIMIT 100`,
        ),
        ordersOfDay: db.prepare(`SELECT doc FROM orders WHERE ${field('day')} = ? LIMIT 100`),
        usersByIds: db.prepare('SELECT _id, doc FROM users WHERE _id IN (SELECT value FROM json_each(?))'),
      }
    },
    async insert(table, docs) {
      db.transaction(() => {
        for (const doc of docs) stmt[table].run(doc._id, JSON.stringify(doc))
      })()
    },
    raw: {
      matchGroup: (region) => stmt.matchGroup.all(region),
      topSpenders: () => stmt.topSpenders.all(),
      unwindGroup: (region) => stmt.unwindGroup.all(region),
      // One statement: the orders joined to their user, shaped as $lookup's answer.
      lookup: (day) =>
        stmt.lookup
          .all(day)
          .map((row) => ({ ...parse(row), user: row.owner === null ? [] : [JSON.parse(row.owner)] })),
      // Two statements, as populate does: the orders, then their users by id.
      populate(day) {
        const orders = stmt.ordersOfDay.all(day).map(parse)
        const ids = [...new Set(orders.map((order) => order.userId))]
        const users = new Map(stmt.usersByIds.all(JSON.stringify(ids)).map((row) => [row._id, parse(row)]))
        return orders.map((order) => ({ ...order, userId: users.get(order.userId) ?? null }))
      },
    },
    async close() {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
