// weftjs/data: MongoDB-style collections over memory, SQLite, PostgreSQL or MongoDB,
// with one semantics everywhere. See docs/data.md.

export {
  Collection,
  type CollectionFindOptions,
  type CollectionUpdateOptions,
  type FilterOptions,
  type FindOneOptions,
  type IdOf,
  type NewDocument,
  type WithId,
} from './collection.js'
export { connect, storeKind } from './connect.js'
export { Cursor } from './cursor.js'
export { Db } from './db.js'
export {
  DataError,
  type DataErrorCode,
  DataUnavailableError,
  DuplicateKeyError,
  QueryError,
  UpdateError,
  ValidationError,
  type ValidationIssue,
} from './errors.js'
export { isObjectId, objectId, objectIdDate } from './objectid.js'
export {
  isUntrusted,
  MAX_FILTER_DEPTH,
  MAX_OPERATOR_LIST,
  MAX_REGEX_LENGTH,
  MAX_REGEX_REPEAT,
  untrusted,
} from './query/index.js'
export type { Infer, InferInput, StandardSchemaV1 } from './schema.js'
export type {
  ChangeEvent,
  DocId,
  Explanation,
  Filter,
  FindOptions,
  IndexSpec,
  Projection,
  SortSpec,
  Store,
  StoreCollection,
  StoredDocument,
  StoreFactory,
  StoreHealth,
  UpdateOptions,
  UpdateResult,
  UpdateSpec,
} from './store.js'
export { WatchHub, type WatchOptions, WatchQueue } from './watch.js'
