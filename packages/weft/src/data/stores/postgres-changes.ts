// The PostgreSQL change feed, as SQL. Every write logs its change in the schema's
// `$changes` table and sends `pg_notify`, both in the write's own statement: a change is
// logged and announced only if it commits, and every process LISTENing on the store's
// channel sees it, whichever connection made it. The log's `seq` numbers the changes, so
// a listener that lost its connection re-reads what it missed instead of hoping (see
// postgres-listener.ts). NOTIFY payloads are capped at 8000 bytes, so a large document
// is left out of the notification and fetched by id instead.

import type { ChangeEvent } from '../store.js'
import { quote } from './postgres-dialect.js'

/** Documents bigger than this (as JSON text) travel by id only. */
export const NOTIFY_DOC_LIMIT = 7000

/** The log table's name: `$` cannot start a collection name, so it never clashes with one. */
export function changesTable(schema: string): string {
  return `${quote(schema)}.${quote('$changes')}`
}

/**
 * One row per change (a batch insert: per chunk of ids). `before` holds a deleted
 * document, so a filtered watcher catching up still sees the delete of what it watched.
 */
export function changesTableSql(schema: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${changesTable(schema)} ` +
    '(seq BIGSERIAL PRIMARY KEY, c TEXT NOT NULL, t TEXT NOT NULL, ids TEXT[] NOT NULL, before TEXT)'
  )
}

/**
 * SQL that logs and announces each row of a write's `RETURNING _id, body` named `w`:
 * append it to `WITH w AS (...)`. `log` is `changesTable(schema)`.
 */
export function logAndNotify(
  log: string,
  channelParam: string,
  collectionParam: string,
  type: ChangeEvent['type'],
): string {
  const doc = `CASE WHEN octet_length(w.body) <= ${NOTIFY_DOC_LIMIT} THEN w.body::json END`
  const field = type === 'delete' ? 'before' : 'doc'
  const before = type === 'delete' ? 'w.body' : 'NULL'
  return (
    `, l AS (INSERT INTO ${log} (c, t, ids, before) SELECT ${collectionParam}::text, '${type}', ARRAY[w._id], ${before} FROM w ` +
    'RETURNING seq, ids[1] AS id) ' +
    `SELECT pg_notify(${channelParam}, json_build_object('c', ${collectionParam}::text, 't', '${type}', ` +
    `'seq', l.seq, 'id', w._id, '${field}', ${doc})::text) FROM w JOIN l ON l.id = w._id ORDER BY l.seq`
  )
}

/**
 * SQL that logs and announces the rows of a batch insert (`RETURNING seq, _id` named
 * `w`) by id: one log row and notification per ~6000 bytes of ids, instead of one per
 * document (a NOTIFY per row costs a batch insert about 40%).
 */
export function logAndNotifyIds(log: string, channelParam: string, collectionParam: string): string {
  return (
    `, n AS (SELECT seq, _id, sum(octet_length(_id) * 2 + 4) OVER (ORDER BY seq) / 6000 AS chunk FROM w), ` +
    `l AS (INSERT INTO ${log} (c, t, ids) SELECT ${collectionParam}::text, 'insert', array_agg(_id ORDER BY seq) ` +
    'FROM n GROUP BY chunk ORDER BY chunk RETURNING seq, ids) ' +
    `SELECT pg_notify(${channelParam}, json_build_object('c', ${collectionParam}::text, 't', 'insert', ` +
    "'seq', l.seq, 'ids', l.ids)::text) FROM l ORDER BY l.seq"
  )
}
