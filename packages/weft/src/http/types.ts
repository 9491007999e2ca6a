import type { StandardSchemaV1 } from '../schema/standard.js'
import type { MultipartOptions } from './multipart.js'

type Simplify<T> = { [K in keyof T]: T[K] } & {}

type ParamsOf<Segment extends string> = Segment extends `:${infer Name}`
  ? { [K in Name]: string }
  : Segment extends `*${infer Name}`
    ? { [K in Name extends '' ? '*' : Name]: string }
    : {}

type ParamsFromSegments<Path extends string> = Path extends `${infer Head}/${infer Tail}`
  ? ParamsOf<Head> & ParamsFromSegments<Tail>
  : ParamsOf<Path>

/**
 * The params a path declares: `'/users/:id/posts/:postId'` gives `{ id: string; postId: string }`,
 * a trailing `*` gives `{ '*': string }` and `*rest` gives `{ rest: string }`.
 */
export type PathParams<Path extends string> = string extends Path
  ? Record<string, string>
  : Simplify<ParamsFromSegments<Path>>

/** Query values as the URL holds them: repeated keys become arrays. */
export type QueryValues = Record<string, string | string[]>

/** The schemas a route may declare; each is any Standard Schema (zod, valibot, arktype...). */
export interface RouteSchemas {
  params?: StandardSchemaV1
  query?: StandardSchemaV1
  body?: StandardSchemaV1
  headers?: StandardSchemaV1
  response?: StandardSchemaV1 | Record<number, StandardSchemaV1>
}

/** Route options: its schemas and its own limits. */
export interface RouteOptions extends RouteSchemas {
  /** Largest request body this route reads, in bytes; overrides the app's limit. */
  bodyLimit?: number
  /**
   * Body types the route's body schema accepts; any other content type answers 415.
   * Default `['json']`: a route takes urlencoded forms only when it asks, with
   * `accepts: ['form']` or `accepts: ['json', 'form']`.
   */
  accepts?: BodyKind[]
  /** Limits and file storage for `multipart/form-data` bodies (add `'multipart'` to `accepts`). */
  multipart?: MultipartOptions
  /** OpenAPI: a one-line summary. */
  summary?: string
  /** OpenAPI: a longer description (Markdown). */
  description?: string
  /** OpenAPI: tags that group operations. */
  tags?: string[]
  /** OpenAPI: a unique operation id; default derived from method and path. */
  operationId?: string
  deprecated?: boolean
  /** Leave the route out of the OpenAPI document. */
  hidden?: boolean
}

export type BodyKind = 'json' | 'form' | 'multipart' | 'text' | 'bytes'

type Output<S, Fallback> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : Fallback

/** What a handler sees of the request, typed from the path and the route's schemas. */
export interface Input<
  Params = Record<string, string>,
  Query = QueryValues,
  Body = unknown,
  Headers = Record<string, string>,
> {
  params: Params
  query: Query
  body: Body
  headers: Headers
}

export type InputOf<Path extends string, Options extends RouteSchemas = {}> = Input<
  Output<Options['params'], PathParams<Path>>,
  Output<Options['query'], QueryValues>,
  Output<Options['body'], unknown>,
  Output<Options['headers'], Record<string, string>>
>
