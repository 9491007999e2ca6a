// The optional package each store needs, recorded at connect() so start-up names every
// missing package at once (see ../peers.ts).
import { canImport, type PackageNeed } from '../shared/peers.js'
import type { Store } from './store.js'

const isBun = () => (globalThis as { Bun?: unknown }).Bun !== undefined

/** What the store of `kind` needs installed on this runtime, or null when nothing. */
export function driverNeed(kind: Store['kind']): PackageNeed | null {
  switch (kind) {
    case 'sqlite':
      if (isBun()) return null // bun:sqlite
      return {
        package: 'better-sqlite3',
        neededBy: 'weftjs/data (SQLite on Node < 22.13; Node 22.13+, Deno and Bun have SQLite built in)',
        present: async () => (await canImport('node:sqlite')) || canImport('better-sqlite3'),
      }
    case 'postgres':
      return { package: 'pg', neededBy: 'weftjs/data (PostgreSQL)', present: () => canImport('pg') }
    case 'mongodb':
      return { package: 'mongodb', neededBy: 'weftjs/data (MongoDB)', present: () => canImport('mongodb') }
    default:
      return null
  }
}
