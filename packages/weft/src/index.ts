// The package entry: the core, the Fetch adapter that gives every app `fetch` and `request`,
// and the views loader behind `weft({ views })`.
import './adapters/fetch/install.js'
import './views/install.js'

export {
  type ErrorHandler,
  type Handler,
  type RouteMethod,
  Weft,
  type WeftOptions,
  weft,
} from './http/app.js'
export { compose, type Middleware, type Next } from './http/compose.js'
export { Context, type ParseBodyOptions } from './http/context.js'
export { type CookieOptions, Cookies } from './http/cookies.js'
export { HttpError, type ProblemDocument, type ProblemExtras } from './http/errors.js'
export type { Limits } from './http/limits.js'
export type { Logger } from './http/logger.js'
export type { FileSink, FileStorage, MultipartOptions, UploadedFileInfo } from './http/multipart.js'
export type { ResponseBody, ResponseState } from './http/response.js'
export type {
  BodyKind,
  Input,
  InputOf,
  PathParams,
  QueryValues,
  RouteOptions,
  RouteSchemas,
} from './http/types.js'
export type { InputLocation, ValidationIssue } from './http/validate.js'
export type { StandardSchemaV1 } from './schema/standard.js'
export { type ServeOptions, type Server, serve } from './serve.js'
export { checkPackages, MissingPackagesError, type PackageNeed } from './shared/peers.js'
