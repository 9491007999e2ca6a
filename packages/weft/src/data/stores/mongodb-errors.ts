// Which MongoDB driver failures mean "the database cannot answer now": no server
// selectable within the timeout, a broken or timed-out socket, a primary stepping down or
// shutting down. They become a DataUnavailableError (503 with Retry-After). The
// collection wrapper below applies that to every operation of the store.

import { DataUnavailableError } from '../errors.js'
import type { StoreCollection } from '../store.js'

const UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoOperationTimeoutError',
])

// Server error codes: HostUnreachable, HostNotFound, NetworkTimeout, ShutdownInProgress,
// PrimarySteppedDown, InterruptedAtShutdown, NotWritablePrimary, NotPrimaryNoSecondaryOk,
// NotPrimaryOrSecondary, InterruptedDueToReplStateChange, SocketException, MaxTimeMSExpired.
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 11600, 10107, 13435, 13436, 11602, 9001, 50])

/** A DataUnavailableError for a failure that means MongoDB is unavailable, else the error itself. */
export function mongoFailure(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || error instanceof DataUnavailableError) return error
  const { name, code } = error as { name?: unknown; code?: unknown }
  const unavailable =
    (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) ||
    (typeof code === 'number' && UNAVAILABLE_CODES.has(code))
  if (!unavailable) return error
  return new DataUnavailableError(
    'The database is unreachable or has no primary right now. The request was not completed; try again shortly.',
    { cause: error, retryAfter: 1 },
  )
}

function rethrow(error: unknown): never {
  throw mongoFailure(error)
}

/** `inner` with every failure passed through `mongoFailure`. */
export function translatingCollection(inner: StoreCollection): StoreCollection {
  return {
    insertMany: (docs) => inner.insertMany(docs).catch(rethrow),
    find: (filter, options) => translatingIterable(inner.find(filter, options)),
    count: (filter) => inner.count(filter).catch(rethrow),
    distinct: (field, filter) => inner.distinct(field, filter).catch(rethrow),
    updateOne: (filter, update, options) => inner.updateOne(filter, update, options).catch(rethrow),
    updateMany: (filter, update, options) => inner.updateMany(filter, update, options).catch(rethrow),
    replaceOne: (filter, doc, options) => inner.replaceOne(filter, doc, options).catch(rethrow),
    deleteOne: (filter) => inner.deleteOne(filter).catch(rethrow),
    deleteMany: (filter) => inner.deleteMany(filter).catch(rethrow),
    createIndex: (spec) => inner.createIndex(spec).catch(rethrow),
    listIndexes: () => inner.listIndexes().catch(rethrow),
    dropIndex: (name) => inner.dropIndex(name).catch(rethrow),
    watch: (filter) => inner.watch(filter),
    explain: (filter, options) => inner.explain!(filter, options).catch(rethrow),
  }
}

async function* translatingIterable<T>(inner: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* inner
  } catch (error) {
    rethrow(error)
  }
}
