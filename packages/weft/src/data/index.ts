// weftjs/data: MongoDB-style collections over memory, SQLite, PostgreSQL or MongoDB,
// with one semantics everywhere. See docs/data.md.

export {
  type AggregateResults,
  Collection,
  type CollectionFindOptions,
  type CollectionUpdateOptions,
  type DeleteOptions,
  type FilterOptions,
  type FindOneOptions,
  type IdOf,
  type NewDocument,
  type PageOptions,
  type WithId,
} from './collection.js'
export type {
  CollectionHooks,
  CollectionOptions,
  DeleteHookContext,
  UpdateHookContext,
} from './collection-hooks.js'
export { connect, storeKind } from './connect.js'
export { Cursor } from './cursor.js'
export { Db, type Migration } from './db.js'
export type { DeclaredIndex } from './declared-indexes.js'
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
export type { IndexDiff } from './index-diff.js'
export type { MigrateOptions, MigrateReport } from './migrate.js'
export { isObjectId, objectId, objectIdDate } from './objectid.js'
export {
  isUntrusted,
  MAX_FILTER_DEPTH,
  MAX_OPERATOR_LIST,
  MAX_PIPELINE_STAGES,
  MAX_REGEX_LENGTH,
  MAX_REGEX_REPEAT,
  untrusted,
} from './query/index.js'
export type { Infer, InferInput, StandardSchemaV1 } from './schema.js'
export type {
  ChangeEvent,
  DocId,
  Explanation,
  FindOptions,
  IndexInfo,
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
export type { Condition, FieldOperators, Filter, Path, PathValue, Update } from './typed.js'
export { WatchHub, type WatchOptions, WatchQueue } from './watch.js'
