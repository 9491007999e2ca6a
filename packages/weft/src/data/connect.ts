// Picks a store by URL scheme and loads it with a dynamic import, so an application
// evaluates only the store it uses (and each store loads its driver package on first use).

import { checkPackages, needPackage } from '../shared/peers.js'
import { Db } from './db.js'
import { driverNeed } from './driver-needs.js'
import { DataError } from './errors.js'
import type { Store, StoreFactory } from './store.js'

type StoreKind = Store['kind']

/**
 * Weft's one dynamic-import policy (docs/architecture.md): a module Weft ships is imported
 * with a literal specifier, so esbuild bundles it and Deno's module graph resolves it, yet it
 * is evaluated only when chosen; an optional peer package (pg, mongodb, better-sqlite3) is
 * imported through a variable in its store, so a bundler leaves it out instead of failing.
 */
const modules: Record<StoreKind, () => Promise<{ createStore?: StoreFactory }>> = {
  memory: () => import('./stores/memory.js'),
  sqlite: () => import('./stores/sqlite.js'),
  postgres: () => import('./stores/postgres.js'),
  mongodb: () => import('./stores/mongodb.js'),
}

const schemes: Record<string, StoreKind> = {
  memory: 'memory',
  sqlite: 'sqlite',
  file: 'sqlite',
  postgres: 'postgres',
  postgresql: 'postgres',
  mongodb: 'mongodb',
  'mongodb+srv': 'mongodb',
}

/** Which store a URL names: `memory:`, `sqlite:./app.db` (or a bare path), `postgres://`, `mongodb://`. */
export function storeKind(url: URL | string): StoreKind {
  const text = String(url)
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(text)
  // A bare path, or a Windows drive letter like C:\data\app.db, means SQLite.
  if (!match || match[1].length === 1) return 'sqlite'
  const kind = schemes[match[1].toLowerCase()]
  if (!kind) {
    throw new DataError(
      'WEFT_DATA_BAD_URL',
      `Unknown database URL scheme "${match[1]}:". Use memory:, sqlite:<file>, postgres://... or mongodb://...`,
    )
  }
  return kind
}

/** `await connect('sqlite:./data/app.db')` -> a `Db`. */
export async function connect(url: URL | string = 'sqlite:./data/app.db'): Promise<Db> {
  const kind = storeKind(url)
  const normalised = kind === 'sqlite' && !/^(sqlite|file):/i.test(String(url)) ? `sqlite:${url}` : url
  // Every optional package the app's subpaths need is checked here, at start-up, at once.
  const need = driverNeed(kind)
  if (need) needPackage(need)
  await checkPackages()
  const createStore = await loadFactory(kind)
  return new Db(await createStore(normalised))
}

async function loadFactory(kind: StoreKind): Promise<StoreFactory> {
  const loaded = await modules[kind]()
  if (typeof loaded.createStore !== 'function') {
    throw new DataError('WEFT_DATA_BAD_STORE', `The ${kind} store module does not export createStore.`)
  }
  return loaded.createStore
}
