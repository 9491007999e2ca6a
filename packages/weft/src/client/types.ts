import type { RouteType } from '../http/route-types.js'

/** The routes an app's type recorded. */
export type RoutesOf<App> = App extends { '~routes': infer Routes }
  ? Routes extends RouteType
    ? Routes
    : never
  : never

type MethodMatches<R extends RouteType, Method extends string> = R extends { method: Method | '*' }
  ? R
  : never

/** The paths callable with `Method`. */
export type PathsFor<Routes extends RouteType, Method extends string> = MethodMatches<Routes, Method>['path']

/** The route a method and path refer to. */
export type RouteAt<Routes extends RouteType, Method extends string, Path extends string> = Extract<
  MethodMatches<Routes, Method>,
  { path: Path }
>

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206

/** The body a 2xx answer carries. */
export type SuccessBody<R extends RouteType> = R['output'][keyof R['output'] & SuccessStatus] extends infer B
  ? [B] extends [never]
    ? unknown
    : B
  : never

/** Response bodies by status: `ResponseOf<typeof app, 'GET', '/users/:id'>[200]`. */
export type ResponseOf<App, Method extends string, Path extends string> = RouteAt<
  RoutesOf<App>,
  Method,
  Path
>['output']

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T]

type InputParts<R extends RouteType> = {
  params: R['input']['params']
  query: R['input']['query']
  body: R['input']['body']
}

/** Options of one call: only what the route takes; required parts are required. */
export type CallOptions<R extends RouteType> = {
  [K in keyof InputParts<R> as InputParts<R>[K] extends undefined
    ? never
    : {} extends InputParts<R>[K]
      ? never
      : K]: InputParts<R>[K]
} & {
  [K in keyof InputParts<R> as InputParts<R>[K] extends undefined
    ? never
    : {} extends InputParts<R>[K]
      ? K
      : never]?: InputParts<R>[K]
} & {
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** The options argument, optional when nothing in it is required. */
export type CallArgs<R extends RouteType> =
  RequiredKeys<CallOptions<R>> extends never ? [options?: CallOptions<R>] : [options: CallOptions<R>]

type ClientMethod<Routes extends RouteType, Method extends string> = <Path extends PathsFor<Routes, Method>>(
  path: Path,
  ...args: CallArgs<RouteAt<Routes, Method, Path>>
) => Promise<SuccessBody<RouteAt<Routes, Method, Path>>>

/** `client<typeof app>(baseUrl)`: one method per HTTP method, typed by the app's routes. */
export interface Client<Routes extends RouteType> {
  get: ClientMethod<Routes, 'GET'>
  post: ClientMethod<Routes, 'POST'>
  put: ClientMethod<Routes, 'PUT'>
  patch: ClientMethod<Routes, 'PATCH'>
  delete: ClientMethod<Routes, 'DELETE'>
}
