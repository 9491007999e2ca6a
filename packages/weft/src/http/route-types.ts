import type { StandardSchemaV1 } from '../schema/standard.js'
import type { ResponseState } from './response.js'
import type { PathParams, QueryValues, RouteOptions } from './types.js'

declare const replyBrand: unique symbol

/** What `ctx.json(data, status)` returns: the response, remembering `data` and `status` for types. */
export type JsonReply<T, Status extends number = 200> = ResponseState & {
  readonly [replyBrand]?: { data: T; status: Status }
}

/** One route as the type system sees it: what the typed client and type helpers read. */
export interface RouteType {
  method: string
  path: string
  /** What a caller sends: the schemas' input types. */
  input: { params: unknown; query: unknown; body: unknown; headers: unknown }
  /** Response body by status. */
  output: Record<number, unknown>
}

type InputType<S, Fallback> = S extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S> : Fallback
type OutputType<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : never

/** Statuses and bodies from a `response` option: one schema means 200. */
type DeclaredOutput<R> = R extends StandardSchemaV1
  ? { 200: OutputType<R> }
  : R extends Record<number, StandardSchemaV1>
    ? { [S in keyof R & number]: OutputType<R[S]> }
    : never

/** Statuses and bodies inferred from what the handler returns. */
export type InferredOutput<R> = [R] extends [never]
  ? Record<number, unknown>
  : Awaited<R> extends infer V
    ? V extends JsonReply<infer T, infer S>
      ? unknown extends T
        ? Record<number, unknown>
        : { [K in S]: T }
      : V extends Response
        ? Record<number, unknown>
        : // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing is typed void
          V extends undefined | void
          ? { 204: undefined }
          : V extends Uint8Array | ArrayBuffer | ReadableStream
            ? { 200: Uint8Array }
            : { 200: V }
    : never

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never

export type RouteOf<Method extends string, Path extends string, Options extends RouteOptions, Result> = {
  method: Method
  path: Path
  input: {
    params: InputType<Options['params'], PathParams<Path>>
    query: InputType<Options['query'], Partial<QueryValues>>
    body: InputType<Options['body'], undefined>
    headers: InputType<Options['headers'], Record<string, string>>
  }
  output: Options['response'] extends object
    ? DeclaredOutput<Options['response']>
    : UnionToIntersection<InferredOutput<Result>> & {}
}

/** Routes of a sub-app as seen from its parent, under `Prefix`. */
export type Prefixed<Routes extends RouteType, Prefix extends string> = Routes extends RouteType
  ? Omit<Routes, 'path'> & { path: JoinPath<Prefix, Routes['path']> }
  : never

type JoinPath<Prefix extends string, Path extends string> = Prefix extends '/' | ''
  ? Path
  : Path extends '/'
    ? Prefix
    : `${Prefix}${Path}`
