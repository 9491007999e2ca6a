// SQLite's side of the pushdown: values are read with `json_extract(doc, '$.a.b')`, the
// very expression `createIndex` indexes, and typed with `json_type`, because
// `json_extract` gives `true` as 1 and arrays as JSON text.

import type { RangeOp, SqlDialect } from './sql-pushdown.js'
import { SQL_OPERATOR } from './sql-pushdown.js'

const NUMBER_TYPES = "('integer', 'real')"

export function jsonPath(segments: string[]): string {
  return `'$.${segments.join('.')}'`
}

// SQLite compares text by UTF-8 bytes, JavaScript by UTF-16 code units; the two agree
// whenever the bound has no character at or above U+D800 (shown by cases: the first
// differing character of bound and value is then below every surrogate in both orders).
function sameOrderInSqlite(bound: string): boolean {
  for (let i = 0; i < bound.length; i++) if (bound.charCodeAt(i) >= 0xd800) return false
  return true
}

export const sqliteDialect: SqlDialect = {
  param(params, value) {
    params.push(value)
    return '?'
  },
  value: (segments) => `json_extract(doc, ${jsonPath(segments)})`,
  equals(segments, value, params) {
    const v = this.value(segments)
    const t = `json_type(doc, ${jsonPath(segments)})`
    if (typeof value === 'number') return `(${v} = ${this.param(params, value)} AND ${t} IN ${NUMBER_TYPES})`
    if (typeof value === 'string') return `(${v} = ${this.param(params, value)} AND ${t} = 'text')`
    return `(${v} = ${this.param(params, value ? 1 : 0)} AND ${t} = '${value}')`
  },
  isNull: (segments) => `json_extract(doc, ${jsonPath(segments)}) IS NULL`,
  exists: (segments, exists) => `json_type(doc, ${jsonPath(segments)}) IS ${exists ? 'NOT NULL' : 'NULL'}`,
  range(segments, op: RangeOp, bound, params) {
    const v = this.value(segments)
    const t = `json_type(doc, ${jsonPath(segments)})`
    const cmp = `${v} ${SQL_OPERATOR[op]} ${this.param(params, bound)}`
    const upward = op === '$gt' || op === '$gte'
    // In SQLite every number sorts below every text, and '' is the smallest text: the
    // extra bound keeps the index scan inside one type.
    if (typeof bound === 'number')
      return `(${cmp}${upward ? ` AND ${v} < ''` : ''} AND ${t} IN ${NUMBER_TYPES})`
    if (!sameOrderInSqlite(bound)) return null
    return `(${cmp}${upward ? '' : ` AND ${v} >= ''`} AND ${t} = 'text')`
  },
  isArray: (segments) => `json_type(doc, ${jsonPath(segments)}) = 'array'`,
}
