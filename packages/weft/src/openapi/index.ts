import './install.js'
import type { RouteInfo, Weft } from '../http/app.js'
import type { Context } from '../http/context.js'
import { HttpError } from '../http/errors.js'
import { needPackage } from '../shared/peers.js'
import type { JsonSchemaConverter, OpenApiOptions } from './document.js'

export type {
  JsonSchema,
  JsonSchemaConverter,
  OpenApiDocument,
  OpenApiOptions,
  SchemaSide,
} from './document.js'

import type { StandardSchemaV1 } from '../schema/standard.js'
import { type Asset, SWAGGER_UI, SwaggerAssets, swaggerInstalled } from './assets.js'
import { docsPage, docsPolicy, INIT_SCRIPT } from './page.js'

export interface ApiDocsOptions extends OpenApiOptions {
  /** Where the OpenAPI document is served. Default `/openapi.json`. */
  json?: string
  /** Where the interactive reference (Swagger UI) is served; `false` serves only the JSON. Default `/docs`. */
  docs?: string | false
  /** The page title. Default `info.title`. */
  title?: string
}

/**
 * Serves the app's OpenAPI document and an interactive reference, all from this origin.
 * The document is built on first request and rebuilt only when the routes change.
 * @example apiDocs(app, { info: { title: 'Tasks', version: '1.0.0' } }) // GET /openapi.json, GET /docs
 */
export function apiDocs<App extends Weft<any>>(app: App, options: ApiDocsOptions): App {
  const { json: jsonPath = '/openapi.json', docs = '/docs', title, ...openapi } = options
  if (!openapi.info?.title || !openapi.info.version) {
    throw new TypeError(
      "WEFT_OPENAPI_INFO: apiDocs() needs info.title and info.version, e.g. { info: { title: 'Tasks', version: '1.0.0' } }",
    )
  }
  for (const path of [jsonPath, docs]) {
    if (path !== false && !path.startsWith('/')) {
      throw new TypeError(`WEFT_DOCS_BAD_PATH: apiDocs() paths start with "/", got "${path}"`)
    }
  }
  const document = documentCache(app, openapi)
  app.get(jsonPath, { hidden: true }, async (ctx: Context<any>) => {
    const { json, etag } = await document()
    ctx.header('cache-control', 'no-cache')
    ctx.header('etag', etag)
    if (ctx.headerValue('if-none-match') === etag) {
      ctx.status(304)
      return undefined
    }
    ctx.header('content-type', 'application/json; charset=utf-8')
    return json
  })
  if (docs === false) return app

  const docsBase = docs === '/' ? '' : docs.replace(/\/$/, '')
  const init = new TextEncoder().encode(INIT_SCRIPT)
  // A missing swagger-ui-dist is reported at start-up with every other missing package.
  needPackage(SWAGGER_UI)
  if (!swaggerInstalled()) {
    // serve() reports it at start-up; an app served otherwise answers the page with it (500).
    app.get(docs, { hidden: true }, () => {
      new SwaggerAssets(new Map())
    })
    return app
  }
  const assets = new SwaggerAssets(
    new Map([['weft-docs.js', { body: init, type: 'text/javascript; charset=utf-8' }]]),
  )
  const policy = docsPolicy(openapi.servers)
  app.get(docs, { hidden: true }, (ctx: Context<any>) => {
    // Links are built from the path this request came in on, so a mounted app still finds its files.
    const here = ctx.path.length > 1 ? ctx.path.replace(/\/$/, '') : ''
    const prefix = here.slice(0, here.length - docsBase.length)
    ctx.header('cache-control', 'no-cache')
    ctx.header('content-security-policy', policy)
    ctx.header('x-content-type-options', 'nosniff')
    ctx.header('referrer-policy', 'no-referrer')
    return ctx.html(
      docsPage({
        title: title ?? openapi.info.title,
        assets: `${here}/assets`,
        json: `${prefix}${jsonPath}`,
        version: assets.version,
      }),
    )
  })
  app.get(`${docsBase}/assets/:file`, { hidden: true }, async (ctx: Context<any>) => {
    const pending = assets.get(ctx.params.file)
    if (!pending)
      throw new HttpError(404, `No docs asset named "${ctx.params.file}"`, { code: 'WEFT_NOT_FOUND' })
    return sendAsset(ctx, await pending, assets.version)
  })
  return app
}

function sendAsset(ctx: Context<any>, asset: Asset, version: string): Uint8Array | undefined {
  const etag = `"${version}-${asset.body.byteLength}"`
  // Links carry ?v=<swagger-ui-dist version>: such a URL never changes content, so it may be kept for good.
  const pinned = ctx.query.v === version
  ctx.header('cache-control', pinned ? 'public, max-age=31536000, immutable' : 'no-cache')
  ctx.header('etag', etag)
  ctx.header('x-content-type-options', 'nosniff')
  if (ctx.headerValue('if-none-match') === etag) {
    ctx.status(304)
    return undefined
  }
  ctx.header('content-type', asset.type)
  return asset.body
}

/** The serialised document, rebuilt only when the route list differs from the last build's. */
function documentCache(app: Weft<any>, options: OpenApiOptions) {
  let last: { routes: RouteInfo[]; json: string; etag: string } | null = null
  return async () => {
    const routes = app.routeList()
    if (last && sameRoutes(last.routes, routes)) return last
    const jsonSchema = await withValibot(routes, options.jsonSchema)
    const json = JSON.stringify(app.openapi({ ...options, jsonSchema }))
    last = { routes, json, etag: `"${hash(json)}"` }
    return last
  }
}

function sameRoutes(a: RouteInfo[], b: RouteInfo[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    if (a[i].method !== b[i].method || a[i].path !== b[i].path || a[i].options !== b[i].options) return false
  }
  return true
}

/**
 * Adds `@valibot/to-json-schema` when valibot schemas need it and it is installed:
 * valibot schemas carry no JSON Schema of their own. A variable specifier keeps bundlers
 * from insisting on a package the app may not use.
 */
async function withValibot(
  routes: RouteInfo[],
  user: JsonSchemaConverter | undefined,
): Promise<JsonSchemaConverter | undefined> {
  const needed = routes.some(
    (route) =>
      !route.options.hidden &&
      schemasOf(route).some((s) => s['~standard'].vendor === 'valibot' && !('jsonSchema' in s['~standard'])),
  )
  if (!needed) return user
  const specifier = '@valibot/to-json-schema'
  let convert: (schema: unknown, config: Record<string, unknown>) => Record<string, unknown>
  try {
    convert = ((await import(specifier)) as { toJsonSchema: typeof convert }).toJsonSchema
  } catch {
    return user // app.openapi() then names the package to install
  }
  return (schema, side) =>
    user?.(schema, side) ??
    (schema['~standard'].vendor === 'valibot'
      ? convert(schema, { target: 'draft-2020-12', typeMode: side })
      : undefined)
}

function schemasOf(route: RouteInfo): StandardSchemaV1[] {
  const { params, query, headers, body, response } = route.options
  const schemas = [params, query, headers, body]
  if (response)
    schemas.push(...('~standard' in response ? [response as StandardSchemaV1] : Object.values(response)))
  return schemas.filter((s): s is StandardSchemaV1 => s !== undefined)
}

/** FNV-1a: a cheap, stable tag for the ETag; not a security boundary. */
function hash(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return `${(h >>> 0).toString(36)}-${text.length.toString(36)}`
}
