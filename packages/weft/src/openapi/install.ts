import { Weft } from '../http/app.js'
import type { RouteType } from '../http/route-types.js'
import { buildOpenApi, type OpenApiDocument, type OpenApiOptions } from './document.js'

// `app.openapi()` belongs to weftjs/docs, not to the core: importing weftjs/docs adds it to
// every app, typed and at runtime, so an app that never documents itself never loads the
// generator. It reads only `app.routeList()`.

declare module '../http/app.js' {
  interface Weft<Routes extends RouteType = any> {
    /**
     * The OpenAPI 3.1 document for every route not marked `hidden` (docs/openapi.md). Comes
     * with weftjs/docs. @example app.get('/openapi.json', () => app.openapi({ info: { title: 'Tasks', version: '1.0.0' } }))
     */
    openapi(options: OpenApiOptions): OpenApiDocument
  }
}

Weft.prototype.openapi = function openapi(this: Weft<any>, options: OpenApiOptions): OpenApiDocument {
  return buildOpenApi(this.routeList(), options)
}
