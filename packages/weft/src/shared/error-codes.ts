// Every WEFT_* code, in one place: the status it answers with over HTTP (null for errors
// that never reach a client: a bad route table, a module graph that cannot start) and what
// it means. docs/errors.md lists the same table for users; a test keeps the two, and every
// code used in the source, in step. This file imports nothing, so every layer may use it.

interface CodeInfo {
  /** The HTTP status of the answer; null when the error is thrown to the developer instead. */
  readonly status: number | null
  /** One line for the docs: what happened. */
  readonly meaning: string
}

export const ERROR_CODES = {
  // Answers to requests: the default code of each status a framework answer uses.
  WEFT_BAD_REQUEST: { status: 400, meaning: 'The request is malformed.' },
  WEFT_UNAUTHORIZED: { status: 401, meaning: 'The request needs valid credentials.' },
  WEFT_PAYMENT_REQUIRED: { status: 402, meaning: 'Payment is required.' },
  WEFT_FORBIDDEN: { status: 403, meaning: 'The credentials do not allow this.' },
  WEFT_NOT_FOUND: { status: 404, meaning: 'No route (or resource) answers this path.' },
  WEFT_METHOD_NOT_ALLOWED: { status: 405, meaning: 'The path exists but not for this method; see Allow.' },
  WEFT_NOT_ACCEPTABLE: { status: 406, meaning: 'No representation matches the Accept headers.' },
  WEFT_REQUEST_TIMEOUT: { status: 408, meaning: 'The request did not arrive in time.' },
  WEFT_CONFLICT: { status: 409, meaning: 'The request conflicts with the current state.' },
  WEFT_GONE: { status: 410, meaning: 'The resource is gone for good.' },
  WEFT_LENGTH_REQUIRED: { status: 411, meaning: 'The request needs a Content-Length.' },
  WEFT_PRECONDITION_FAILED: { status: 412, meaning: 'A conditional header did not hold.' },
  WEFT_BODY_TOO_LARGE: { status: 413, meaning: 'The request body is past the body limit.' },
  WEFT_URI_TOO_LONG: { status: 414, meaning: 'The request target is too long.' },
  WEFT_UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The route does not take this content type.' },
  WEFT_RANGE_NOT_SATISFIABLE: { status: 416, meaning: 'The requested range is outside the resource.' },
  WEFT_UNPROCESSABLE: { status: 422, meaning: 'The request is well-formed but cannot be processed.' },
  WEFT_TOO_MANY_REQUESTS: { status: 429, meaning: 'Too many requests; slow down.' },
  WEFT_HEADERS_TOO_LARGE: { status: 431, meaning: 'The request head is past the header size limit.' },
  WEFT_TOO_MANY_HEADERS: {
    status: 431,
    meaning: 'The request has more headers than the header count limit.',
  },
  WEFT_CLIENT_ERROR: { status: 400, meaning: 'A client error whose status has no code of its own.' },
  WEFT_INTERNAL: { status: 500, meaning: 'An unexpected error; details only in development.' },
  WEFT_NOT_IMPLEMENTED: { status: 501, meaning: 'The server does not support this.' },
  WEFT_BAD_GATEWAY: { status: 502, meaning: 'An upstream server answered badly.' },
  WEFT_UNAVAILABLE: { status: 503, meaning: 'The service cannot answer now; retry later.' },
  WEFT_GATEWAY_TIMEOUT: { status: 504, meaning: 'An upstream server did not answer in time.' },
  WEFT_SERVER_ERROR: { status: 500, meaning: 'A server error whose status has no code of its own.' },

  // Request input
  WEFT_BAD_PATH: { status: 400, meaning: 'The request path has malformed percent-encoding.' },
  WEFT_BAD_ENCODING: { status: 400, meaning: 'The body or query is not valid UTF-8 or percent-encoding.' },
  WEFT_MALFORMED_JSON: { status: 400, meaning: 'The JSON body does not parse.' },
  WEFT_PROTOTYPE_POLLUTION: {
    status: 400,
    meaning: 'The body holds __proto__ or constructor.prototype keys.',
  },
  WEFT_UNSUPPORTED_CHARSET: { status: 415, meaning: 'The body declares a charset other than UTF-8.' },
  WEFT_BAD_REQUEST_TARGET: { status: 400, meaning: 'The request target is not a path starting with "/".' },
  WEFT_BODY_TOO_DEEP: { status: 400, meaning: 'The JSON body nests deeper than limits.bodyDepth.' },
  WEFT_VALIDATION: { status: 422, meaning: 'Params, query, headers or body fail the route schema.' },
  WEFT_CLIENT_ABORTED: { status: 400, meaning: 'The client closed the connection before the body arrived.' },

  // Answers the application got wrong
  WEFT_RESPONSE_VALIDATION: { status: 500, meaning: "The handler's answer fails its response schema." },
  WEFT_HEADER_INJECTION: { status: 500, meaning: 'A response header name or value holds CR, LF or NUL.' },
  WEFT_RESPONSE_FAILED: {
    status: 500,
    meaning: 'The response could not be written (a header Node refused, say).',
  },
  WEFT_NEXT_TWICE: { status: 500, meaning: 'A middleware called next() more than once.' },
  WEFT_DI_NOT_READY: {
    status: 503,
    meaning: 'A provider was asked for before the modules started, or after close.',
  },

  // Thrown to the developer while the app is set up
  WEFT_BAD_ROUTE: { status: null, meaning: 'A route has no handler, a bad path or a bad parameter name.' },
  WEFT_DUPLICATE_ROUTE: { status: null, meaning: 'The same method and path are registered twice.' },
  WEFT_BAD_MIDDLEWARE: { status: null, meaning: 'use() was given something other than a function.' },
  WEFT_BAD_MOUNT: { status: null, meaning: 'An app was mounted on itself.' },
  WEFT_BAD_STATUS: { status: null, meaning: 'A status outside 100-999 (HttpError: outside 400-599).' },
  WEFT_BAD_COOKIE: { status: null, meaning: 'A cookie name or value cannot be sent.' },
  WEFT_NO_MODULES: { status: null, meaning: 'get(X) was called on an app or context without modules.' },
  WEFT_SHUTDOWN_TIMEOUT: { status: null, meaning: 'Graceful shutdown waited longer than its timeout.' },
  WEFT_OPENAPI_INFO: { status: null, meaning: 'openapi() or apiDocs() lacks info.title or info.version.' },
  WEFT_OPENAPI_SCHEMA: { status: null, meaning: 'A schema cannot be turned into JSON Schema.' },
  WEFT_OPENAPI_NO_JSON_SCHEMA: {
    status: null,
    meaning: 'Warning: a schema carries no JSON Schema; the document shows it as open ({}).',
  },
  WEFT_DOCS_BAD_PATH: { status: null, meaning: 'An apiDocs() path does not start with "/".' },
  WEFT_DOCS_MISSING_PACKAGE: { status: null, meaning: 'The docs page needs the swagger-ui-dist package.' },
  WEFT_CLIENT_MISSING_PARAM: { status: null, meaning: 'The typed client was not given a path parameter.' },

  // Request bodies: multipart
  WEFT_BAD_MULTIPART: { status: 400, meaning: 'The multipart body is malformed.' },
  WEFT_FILE_TOO_LARGE: { status: 413, meaning: 'An uploaded file is past its size limit.' },
  WEFT_FIELD_TOO_LARGE: { status: 413, meaning: 'A multipart field is past its size limit.' },
  WEFT_TOO_MANY_FILES: { status: 413, meaning: 'The multipart body holds more files than allowed.' },
  WEFT_TOO_MANY_FIELDS: { status: 413, meaning: 'The multipart body holds more fields than allowed.' },
  WEFT_BODY_ALREADY_READ: {
    status: 500,
    meaning: 'A multipart body was asked for after it was read as bytes.',
  },

  // Views, static files, middleware
  WEFT_VIEWS_NOT_CONFIGURED: {
    status: 500,
    meaning: 'ctx.render() was called in an app made without views.',
  },
  WEFT_VIEWS_NO_DIR: { status: null, meaning: 'weft({ views }) lacks the templates folder.' },
  WEFT_VIEW_ERROR: {
    status: 500,
    meaning: 'A template failed to compile or render; the file and line are named.',
  },
  WEFT_VIEW_OUTSIDE: { status: 500, meaning: 'A template name points outside the views folder.' },
  WEFT_STATIC_FORBIDDEN: {
    status: 403,
    meaning: 'A static path tries to leave the root (traversal, NUL, a symlink out).',
  },
  WEFT_STATIC_NO_ROOT: { status: null, meaning: 'serveStatic() lacks its root folder.' },
  WEFT_CSRF: {
    status: 403,
    meaning: 'The CSRF token is missing or wrong, or the request came from another origin.',
  },
  WEFT_CORS_WILDCARD_CREDENTIALS: {
    status: null,
    meaning: "cors() was asked for credentials with the '*' origin.",
  },
  WEFT_BAD_CSP: { status: null, meaning: 'A Content-Security-Policy directive or source cannot be sent.' },
  WEFT_RATE_LIMITED: { status: 429, meaning: 'Too many requests in the window; see Retry-After.' },
  WEFT_BAD_RATE_LIMIT: { status: null, meaning: 'rateLimit() needs a positive windowMs and limit.' },
  WEFT_RATE_LIMIT_NO_ADDRESS: {
    status: 500,
    meaning: 'rateLimit() has no client address on this runtime; pass key or trustProxy.',
  },
  WEFT_BAD_REDIS_CLIENT: {
    status: null,
    meaning: 'A Redis store was given something other than a node-redis or ioredis client.',
  },
  WEFT_BAD_TIMEOUT: { status: null, meaning: 'timeout() needs a positive number of milliseconds.' },
  WEFT_TIMEOUT: { status: 503, meaning: 'The handlers took longer than the timeout.' },
  WEFT_JWT_INVALID: {
    status: 401,
    meaning: 'The bearer token is missing, malformed, expired or not signed by an accepted key.',
  },
  WEFT_JWT_KEY: { status: null, meaning: 'jwt() needs exactly one of secret, jwks or key.' },
  WEFT_JWT_ALG_NONE: { status: null, meaning: 'jwt() was asked to accept the "none" algorithm.' },
  WEFT_WEAK_SECRET: {
    status: null,
    meaning: 'A signing or encryption secret is shorter than 32 characters.',
  },
  WEFT_NO_SESSION: { status: 500, meaning: 'ctx.session was used on a route without session().' },
  WEFT_SESSION_TOO_LARGE: {
    status: 500,
    meaning: 'A cookie session is past the cookie size limit; use a store.',
  },
  WEFT_EXPRESS_ERROR: {
    status: 500,
    meaning: 'Express middleware called next(err); its status is kept when it has one.',
  },
  WEFT_EXPRESS_NODE_ONLY: { status: null, meaning: 'fromExpress() runs on Node only.' },
  WEFT_PEER_MISSING: {
    status: null,
    meaning: 'An optional package a feature needs is not installed; the message names it.',
  },
  WEFT_MISSING_PACKAGES: {
    status: null,
    meaning: 'At start-up: optional packages the app needs are not installed; the message names each one.',
  },

  // weftjs/di: the module graph
  WEFT_DI_MISSING_PROVIDER: { status: null, meaning: 'No module provides the key asked for.' },
  WEFT_DI_NOT_VISIBLE: { status: null, meaning: 'A module provides the key but the asker cannot see it.' },
  WEFT_DI_CYCLE: { status: null, meaning: 'Providers depend on each other in a loop.' },
  WEFT_DI_SCOPE: { status: null, meaning: 'A longer-lived provider depends on a shorter-lived one.' },
  WEFT_DI_NO_CONTEXT: { status: null, meaning: 'inject() was called outside a provider being built.' },
  WEFT_DI_ASYNC_NOT_READY: { status: null, meaning: 'An async singleton was asked for before it started.' },
  WEFT_DI_ASYNC_FACTORY: { status: null, meaning: 'A request-scoped or transient factory is async.' },
  WEFT_DI_BAD_PROVIDER: {
    status: null,
    meaning: 'Something in providers or imports is not a provider or module.',
  },
  WEFT_DI_BAD_EXPORT: { status: null, meaning: 'A module exports what it neither provides nor imports.' },
  WEFT_DI_BAD_OVERRIDE: { status: null, meaning: 'An override names a key no module provides.' },
  WEFT_DI_BAD_CONTROLLER: {
    status: null,
    meaning: 'A controller lacks @controller() or decorates a non-method.',
  },
  WEFT_DI_INIT_FAILED: { status: null, meaning: "A provider's onInit() failed, so the app did not start." },
  WEFT_DI_DUPLICATE_PROVIDER: { status: null, meaning: 'A key is provided twice where only one may be.' },

  // weftjs/data (its errors carry their own status: data/ depends on nothing of HTTP)
  WEFT_DATA_DUPLICATE_KEY: { status: 409, meaning: 'A write would repeat a key of a unique index.' },
  WEFT_DATA_VALIDATION: { status: 422, meaning: "A write does not satisfy the collection's schema." },
  WEFT_DATA_OPERATOR_INJECTION: { status: 400, meaning: 'Request input tried to supply a query operator.' },
  WEFT_DATA_BAD_QUERY: { status: 400, meaning: 'A filter is malformed.' },
  WEFT_DATA_BAD_OPERATOR: { status: 400, meaning: 'A query or update operator is unknown or misused.' },
  WEFT_DATA_BAD_UPDATE: { status: 400, meaning: 'An update document is malformed.' },
  WEFT_DATA_BAD_ID: { status: 400, meaning: 'A document _id has a type the store cannot hold.' },
  WEFT_DATA_BAD_FIELD: { status: 400, meaning: 'A field name cannot be stored.' },
  WEFT_DATA_BAD_COLLECTION: { status: null, meaning: 'A collection name cannot be used.' },
  WEFT_DATA_BAD_REGEX: { status: 400, meaning: 'A $regex is malformed or could backtrack without bound.' },
  WEFT_DATA_QUERY_TOO_LARGE: { status: 400, meaning: 'A filter or update is past the depth or size limits.' },
  WEFT_DATA_UNAVAILABLE: {
    status: 503,
    meaning: 'The database cannot answer now (down, restarting, a timeout); retry.',
  },
  WEFT_DATA_BUSY: { status: 503, meaning: 'The database is locked by another writer; retry.' },
  WEFT_DATA_READ_ONLY: { status: 503, meaning: 'The database is read-only; writes cannot succeed now.' },
  WEFT_DATA_DISK_FULL: { status: 503, meaning: "The database's disk is full; writes cannot succeed now." },
  WEFT_DATA_NO_EXPLAIN: {
    status: null,
    meaning: 'explain() was asked of a store or cursor that cannot explain.',
  },
  WEFT_DATA_INDEX_CONFLICT: {
    status: null,
    meaning: 'createIndex named an index that exists with other keys or options.',
  },
  WEFT_DATA_BAD_MIGRATION: {
    status: null,
    meaning: 'A migration file cannot be used (its name, number or exports).',
  },
  WEFT_DATA_MIGRATION_FAILED: {
    status: null,
    meaning: 'A migration threw; its writes were rolled back and it was not recorded.',
  },
  WEFT_DATA_BAD_URL: { status: null, meaning: 'connect() was given a URL it cannot use.' },
  WEFT_DATA_BAD_STORE: { status: null, meaning: 'A store module does not export createStore.' },
  WEFT_DATA_MISSING_DRIVER: { status: null, meaning: 'The database driver package is not installed.' },
  WEFT_DATA_OLD_SERVER: { status: null, meaning: 'The database server is older than the store supports.' },
  WEFT_DATA_CLOSED: { status: null, meaning: 'The database or store was used after close().' },
  WEFT_DATA_CURSOR_STARTED: { status: null, meaning: 'sort, skip or limit was set after iteration began.' },
  WEFT_DATA_WATCH_GAP: {
    status: null,
    meaning: 'A change feed was cut off longer than the change log keeps; re-read.',
  },
  WEFT_DATA_WATCH_OVERFLOW: {
    status: null,
    meaning: 'A change-feed reader fell too far behind and was ended.',
  },
  // WebSocket routes and weftjs/realtime (docs/realtime.md, docs/protocol.md)
  WEFT_UPGRADE_REQUIRED: { status: 426, meaning: 'This path takes WebSocket connections only.' },
  WEFT_ORIGIN_FORBIDDEN: {
    status: 403,
    meaning: 'A WebSocket upgrade from a browser origin the route does not allow.',
  },
  WEFT_TOO_MANY_CONNECTIONS: { status: 429, meaning: 'Past the WebSocket connections-per-IP limit.' },
  WEFT_SHUTTING_DOWN: { status: 503, meaning: 'The server is shutting down and takes no new WebSockets.' },
  WEFT_UNAUTHENTICATED: {
    status: 401,
    meaning: 'The realtime endpoint refused the credential (upgrade or renewal).',
  },
  WEFT_TOKEN_EXPIRED: { status: 401, meaning: 'The realtime credential has expired.' },
  WEFT_BAD_FRAME: { status: 400, meaning: 'A realtime frame is not a JSON object of the protocol.' },
  WEFT_UNKNOWN_FRAME: { status: 400, meaning: 'A realtime frame of a kind this server does not know.' },
  WEFT_NO_SUCH_CHANNEL: { status: 404, meaning: 'No declared channel matches the name.' },
  WEFT_READ_ONLY_CHANNEL: { status: 403, meaning: 'The channel takes no messages from clients.' },
  WEFT_INVALID_MESSAGE: { status: 422, meaning: "A client message fails the channel's schema." },
  WEFT_TOO_MANY_CHANNELS: { status: 429, meaning: 'Past the channels-per-connection limit.' },
  WEFT_CONNECT_FAILED: {
    status: null,
    meaning: 'The realtime client could not open its WebSocket; it retries.',
  },
  WEFT_CONNECTION_CLOSED: {
    status: null,
    meaning: 'The realtime client was closed with a code retrying cannot fix.',
  },
  WEFT_MISSING_PEER: {
    status: null,
    meaning: 'An optional package the feature needs is not installed; the message names it.',
  },
  WEFT_BAD_BROKER: { status: null, meaning: 'A broker URL with a scheme that has no broker.' },
  WEFT_BAD_CHANNEL: { status: null, meaning: 'A channel pattern starts with "/".' },
  WEFT_BAD_MESSAGE: { status: null, meaning: 'live.broadcast() was given data JSON cannot serialise.' },
  WEFT_LIVE_QUERY_UNSUPPORTED: {
    status: null,
    meaning: 'A live query was given something other than a collection.find() cursor without populate.',
  },
  WEFT_NO_SUCH_PUBLICATION: { status: 404, meaning: 'No publication has the name a `sub` asked for.' },
  WEFT_NO_SUCH_METHOD: { status: 404, meaning: 'No method has the name a `method` call asked for.' },
  WEFT_INVALID_ARGS: {
    status: 422,
    meaning: 'The arguments of a subscription or method call fail its schema; `issues` lists why.',
  },
  WEFT_TOO_MANY_SUBSCRIPTIONS: { status: 429, meaning: 'Past the subscriptions-per-connection limit.' },
  WEFT_SUBSCRIPTION_ENDED: {
    status: null,
    meaning: "The server ended a subscription without an error (the realtime client's view).",
  },
  WEFT_BAD_PUBLICATION: {
    status: null,
    meaning: 'A publication returned something other than collection.find() cursors without populate.',
  },
  WEFT_BAD_NAME: {
    status: null,
    meaning: 'A publication or method name is not 1-200 letters, digits or _-.:/@~, or is declared twice.',
  },
  WEFT_INVALID_RESULT: {
    status: null,
    meaning: "A method's answer fails its result schema (the caller gets a 500).",
  },
} as const satisfies Record<string, CodeInfo>

export type ErrorCode = keyof typeof ERROR_CODES

/** The code an HttpError gets when it names none: one per status. */
const DEFAULT_BY_STATUS: Record<number, ErrorCode> = {}
for (const [code, info] of Object.entries(ERROR_CODES) as [ErrorCode, CodeInfo][]) {
  const generic = code !== 'WEFT_CLIENT_ERROR' && code !== 'WEFT_SERVER_ERROR'
  if (info.status !== null && generic && !(info.status in DEFAULT_BY_STATUS)) {
    DEFAULT_BY_STATUS[info.status] = code
  }
}

/** The default code for an answer with `status`: WEFT_NOT_FOUND for 404, and so on. */
export function defaultCode(status: number): ErrorCode {
  return DEFAULT_BY_STATUS[status] ?? (status >= 500 ? 'WEFT_SERVER_ERROR' : 'WEFT_CLIENT_ERROR')
}
