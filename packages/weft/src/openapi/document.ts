import { statusTitle } from '../http/errors.js'
import type { BodyKind, RouteOptions } from '../http/types.js'
import type { StandardSchemaV1 } from '../schema/standard.js'
import {
  type JsonSchema,
  type JsonSchemaConverter,
  SchemaComponents,
  type SchemaSide,
  toJsonSchema,
} from './json-schema.js'
import { deriveOperationId, pascal, pathParams, toTemplate } from './paths.js'

export type { JsonSchema, JsonSchemaConverter, SchemaSide } from './json-schema.js'

/** What `app.openapi()` takes: the document's own fields and how to convert schemas. */
export interface OpenApiOptions {
  info: { title: string; version: string; description?: string; [field: string]: unknown }
  servers?: { url: string; description?: string; [field: string]: unknown }[]
  /** Tag descriptions and order; tags used by routes but not listed here are appended. */
  tags?: { name: string; description?: string; [field: string]: unknown }[]
  /** Merged into `components` (e.g. `securitySchemes`). */
  components?: Record<string, Record<string, unknown>>
  security?: Record<string, string[]>[]
  externalDocs?: { url: string; description?: string }
  /** Converts schemas that carry no JSON Schema of their own (valibot: `@valibot/to-json-schema`). */
  jsonSchema?: JsonSchemaConverter
  /** Lists the problem+json answers weft itself gives (400, 413, 415, 422). Default true. */
  problems?: boolean
}

export interface OpenApiDocument {
  openapi: '3.1.1'
  info: OpenApiOptions['info']
  servers?: OpenApiOptions['servers']
  tags?: NonNullable<OpenApiOptions['tags']>
  paths: Record<string, Record<string, unknown>>
  components: Record<string, Record<string, unknown>>
  security?: OpenApiOptions['security']
  externalDocs?: OpenApiOptions['externalDocs']
}

/** A route as `app.routeList()` gives it. */
export interface RouteDescription {
  method: string
  path: string
  options: RouteOptions
}

const ANY_METHODS = ['get', 'post', 'put', 'patch', 'delete']
const OPENAPI_METHODS = new Set([...ANY_METHODS, 'head', 'options', 'trace'])
// OpenAPI ignores header parameters with these names: they are described elsewhere.
const RESERVED_HEADERS = new Set(['accept', 'content-type', 'authorization'])
const MEDIA_TYPES: Record<BodyKind, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  multipart: 'multipart/form-data',
  text: 'text/plain',
  bytes: 'application/octet-stream',
}
const SUCCESS_TITLES: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
}
const PROBLEM = { $ref: '#/components/schemas/Problem' }
const VALIDATION_PROBLEM = { $ref: '#/components/schemas/ValidationProblem' }

/**
 * Builds the OpenAPI 3.1 document for a list of routes; `app.openapi()` calls it.
 * @example const doc = app.openapi({ info: { title: 'Tasks', version: '1.0.0' } })
 */
export function buildOpenApi(routes: RouteDescription[], options: OpenApiOptions): OpenApiDocument {
  if (!options?.info?.title || !options.info.version) {
    throw new TypeError(
      "WEFT_OPENAPI_INFO: openapi() needs info.title and info.version, e.g. { info: { title: 'Tasks', version: '1.0.0' } }",
    )
  }
  const components = new SchemaComponents()
  const problems = options.problems !== false
  if (problems) addProblemSchemas(components)
  const builder = new OperationBuilder(components, options.jsonSchema, problems)
  const paths: Record<string, Record<string, unknown>> = {}
  const visible = routes.filter((route) => !route.options.hidden)
  // Explicit methods first, so `app.all()` only fills in the methods nothing else claims.
  const ordered = [...visible.filter((r) => r.method !== '*'), ...visible.filter((r) => r.method === '*')]
  for (const route of ordered) {
    const template = toTemplate(route.path)
    const item = (paths[template] ??= {})
    const methods = route.method === '*' ? ANY_METHODS : [route.method.toLowerCase()]
    for (const method of methods) {
      // Other methods (PURGE, PROPFIND...) have no place in OpenAPI 3.1; a GET's HEAD is implied.
      if (!OPENAPI_METHODS.has(method) || item[method]) continue
      item[method] = builder.operation(method, route)
    }
    if (Object.keys(item).length === 0) delete paths[template]
  }
  const document: OpenApiDocument = {
    openapi: '3.1.1',
    info: options.info,
    paths,
    components: { ...options.components, schemas: { ...components.schemas } },
  }
  const userSchemas = options.components?.schemas
  if (userSchemas) Object.assign(document.components.schemas, userSchemas)
  if (Object.keys(document.components.schemas).length === 0) delete document.components.schemas
  if (options.servers) document.servers = options.servers
  const tags = collectTags(options.tags ?? [], builder.tagsUsed)
  if (tags.length > 0) document.tags = tags
  if (options.security) document.security = options.security
  if (options.externalDocs) document.externalDocs = options.externalDocs
  return document
}

class OperationBuilder {
  readonly tagsUsed: string[] = []
  private readonly operationIds = new Set<string>()

  constructor(
    private readonly components: SchemaComponents,
    private readonly converter: JsonSchemaConverter | undefined,
    private readonly problems: boolean,
  ) {}

  operation(method: string, route: RouteDescription): Record<string, unknown> {
    const { options } = route
    const operationId = this.uniqueId(options.operationId ?? deriveOperationId(method, route.path), method)
    const operation: Record<string, unknown> = {}
    if (options.tags?.length) {
      operation.tags = options.tags
      for (const tag of options.tags) if (!this.tagsUsed.includes(tag)) this.tagsUsed.push(tag)
    }
    if (options.summary) operation.summary = options.summary
    if (options.description) operation.description = options.description
    operation.operationId = operationId
    const at = `${route.method === '*' ? method.toUpperCase() : route.method} ${route.path}`
    const parameters = [
      ...this.pathParameters(route, operationId, at),
      ...this.objectParameters('query', options.query, `${operationId}Query`, at),
      ...this.objectParameters('header', options.headers, `${operationId}Headers`, at),
    ]
    if (parameters.length > 0) operation.parameters = parameters
    const readsBody = Boolean(options.body || options.accepts)
    if (readsBody) operation.requestBody = this.requestBody(options, `${operationId}Body`, at)
    operation.responses = this.responses(route, operationId, at, readsBody)
    if (options.deprecated) operation.deprecated = true
    return operation
  }

  private uniqueId(id: string, method: string): string {
    let unique = this.operationIds.has(id) ? `${id}${pascal(method)}` : id
    for (let n = 2; this.operationIds.has(unique); n++) unique = `${id}${n}`
    this.operationIds.add(unique)
    return unique
  }

  /** The route's schema as JSON Schema, placed in the document; a teaching error when it has none. */
  private schema(schema: StandardSchemaV1, side: SchemaSide, name: string, at: string): JsonSchema {
    let converted: JsonSchema | undefined
    const vendor = schema['~standard']?.vendor ?? 'unknown'
    try {
      converted = toJsonSchema(schema, side, this.converter)
    } catch (error) {
      throw new Error(
        `WEFT_OPENAPI_SCHEMA: the ${vendor} schema of ${at} (${name}) cannot be turned into JSON Schema: ` +
          `${error instanceof Error ? error.message : String(error)}. Describe it with a representable ` +
          "schema, or pass openapi({ jsonSchema: (schema) => ... }) to convert it yourself (return {} for 'anything').",
        { cause: error },
      )
    }
    if (!converted) {
      // A hand-written validator is still a valid route: document it as open, not refuse the document.
      warnOnce(schema, vendor, at, name)
      return {
        description: `Unconstrained here: the ${vendor} schema of ${at} carries no JSON Schema, so the document cannot describe it.`,
      }
    }
    return this.components.embed(converted, name)
  }

  private pathParameters(route: RouteDescription, operationId: string, at: string): unknown[] {
    const names = pathParams(route.path)
    if (names.length === 0) return []
    const declared = route.options.params
      ? this.properties(this.schema(route.options.params, 'input', `${operationId}Params`, at))
      : null
    return names.map(({ name, wildcard, key }) => {
      const parameter: Record<string, unknown> = {
        name,
        in: 'path',
        required: true,
        schema: declared?.properties[key] ?? declared?.properties[name] ?? { type: 'string' },
      }
      if (wildcard) parameter.description = 'The rest of the path; may hold several segments.'
      liftDescription(parameter)
      return parameter
    })
  }

  /** Query or header parameters from an object schema, one per property. */
  private objectParameters(
    where: 'query' | 'header',
    schema: StandardSchemaV1 | undefined,
    name: string,
    at: string,
  ): unknown[] {
    if (!schema) return []
    const converted = this.schema(schema, 'input', name, at)
    const object = this.properties(converted)
    if (!object) {
      // Not a plain object (a union, say): one parameter holding the whole object.
      return [
        {
          name: where === 'query' ? 'query' : 'headers',
          in: where,
          style: 'form',
          explode: true,
          schema: converted,
        },
      ]
    }
    return Object.entries(object.properties)
      .filter(([key]) => where === 'query' || !RESERVED_HEADERS.has(key.toLowerCase()))
      .map(([key, property]) => {
        const parameter: Record<string, unknown> = { name: key, in: where, schema: property }
        if (object.required.includes(key)) parameter.required = true
        liftDescription(parameter)
        return parameter
      })
  }

  private properties(
    schema: JsonSchema,
  ): { properties: Record<string, JsonSchema>; required: string[] } | null {
    const resolved = this.components.resolve(schema)
    if (typeof resolved.properties !== 'object' || resolved.properties === null) return null
    return {
      properties: resolved.properties as Record<string, JsonSchema>,
      required: Array.isArray(resolved.required) ? (resolved.required as string[]) : [],
    }
  }

  private requestBody(options: RouteOptions, name: string, at: string): Record<string, unknown> {
    const schema = options.body ? this.schema(options.body, 'input', name, at) : {}
    const accepts = options.accepts ?? (['json'] as BodyKind[])
    const content: Record<string, unknown> = {}
    for (const kind of accepts) content[MEDIA_TYPES[kind]] = { schema }
    return { required: Boolean(options.body), content }
  }

  private responses(
    route: RouteDescription,
    operationId: string,
    at: string,
    readsBody: boolean,
  ): Record<string, unknown> {
    const responses: Record<string, unknown> = {}
    const declared = route.options.response
    if (!declared) {
      responses['200'] = { description: 'OK' }
    } else if (isSchema(declared)) {
      responses['200'] = this.response(200, declared, `${operationId}Response`, at)
    } else {
      for (const [status, schema] of Object.entries(declared)) {
        responses[status] = this.response(Number(status), schema, `${operationId}Response${status}`, at)
      }
    }
    if (!this.problems) return responses
    const { params, query, headers, body } = route.options
    const validates = Boolean(params || query || headers || body)
    const problem = (status: number, description: string, example: Record<string, unknown>) => {
      const schema = status === 422 ? VALIDATION_PROBLEM : PROBLEM
      example = { type: 'about:blank', title: statusTitle(status), status, ...example }
      responses[status] ??= { description, content: { 'application/problem+json': { schema, example } } }
    }
    if (validates || readsBody) {
      problem(400, 'The request is malformed (a body that does not parse, a broken path).', {
        detail: 'Malformed JSON: Unexpected end of JSON input',
        code: 'WEFT_MALFORMED_JSON',
      })
    }
    if (readsBody) {
      problem(413, 'The request body is larger than the limit.', {
        detail: 'The request body is larger than the limit of 1048576 bytes',
        code: 'WEFT_BODY_TOO_LARGE',
        limit: 1048576,
      })
      problem(415, 'The request body has a media type or charset this route does not take.', {
        detail: 'Unsupported content type "text/xml"; this route takes json',
        code: 'WEFT_UNSUPPORTED_MEDIA_TYPE',
      })
    }
    if (validates) {
      problem(422, 'The request does not match the schema; `errors` lists each issue.', {
        detail: 'Invalid body: name: expected string, received number',
        code: 'WEFT_VALIDATION',
        errors: [{ in: 'body', path: 'name', message: 'expected string, received number' }],
      })
    }
    return responses
  }

  private response(
    status: number,
    schema: StandardSchemaV1,
    name: string,
    at: string,
  ): Record<string, unknown> {
    const description = status >= 400 ? statusTitle(status) : (SUCCESS_TITLES[status] ?? 'Response')
    if (status === 204 || status === 304) return { description }
    const converted = this.schema(schema, 'output', name, at)
    // A handler's string answers as text/plain; everything else as JSON.
    const media = this.components.resolve(converted).type === 'string' ? 'text/plain' : 'application/json'
    return { description, content: { [media]: { schema: converted } } }
  }
}

/** arktype's schemas are functions, so `typeof` alone would miss them. */
function isSchema(value: unknown): value is StandardSchemaV1 {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && '~standard' in value
}

/** A property's description belongs on the parameter, where OpenAPI tools show it. */
function liftDescription(parameter: Record<string, unknown>): void {
  const schema = parameter.schema as JsonSchema
  if (typeof schema.description === 'string' && !parameter.description)
    parameter.description = schema.description
  if (schema.deprecated === true) parameter.deprecated = true
}

function collectTags(
  declared: NonNullable<OpenApiOptions['tags']>,
  used: string[],
): NonNullable<OpenApiOptions['tags']> {
  const tags = [...declared]
  for (const name of used) if (!tags.some((tag) => tag.name === name)) tags.push({ name })
  return tags
}

function addProblemSchemas(components: SchemaComponents): void {
  components.schemas.Problem = {
    type: 'object',
    description: 'An RFC 9457 problem document, sent as application/problem+json.',
    properties: {
      type: {
        type: 'string',
        description: "A URI naming the problem type; 'about:blank' when the status says it all.",
      },
      title: { type: 'string', description: 'The status in words.' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string', description: 'What went wrong, for a person.' },
      instance: { type: 'string' },
      code: { type: 'string', description: "A stable code for programs, e.g. 'WEFT_VALIDATION'." },
    },
    required: ['type', 'title', 'status'],
  }
  components.schemas.ValidationProblem = {
    allOf: [
      PROBLEM,
      {
        type: 'object',
        properties: {
          code: { const: 'WEFT_VALIDATION' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                in: { enum: ['params', 'query', 'body', 'headers'] },
                path: {
                  type: 'string',
                  description: "The offending value's path, e.g. 'items.0.title'; '' for the whole.",
                },
                message: { type: 'string' },
              },
              required: ['in', 'path', 'message'],
            },
          },
        },
        required: ['errors'],
      },
    ],
  }
}

const warned = new WeakSet<object>()

/** Says once per schema that it is documented as open, and how to describe it. */
function warnOnce(schema: StandardSchemaV1, vendor: string, at: string, name: string): void {
  if (warned.has(schema)) return
  warned.add(schema)
  const hint =
    vendor === 'valibot'
      ? "valibot schemas carry no JSON Schema: npm install @valibot/to-json-schema, then openapi({ jsonSchema: (schema) => toJsonSchema(schema as any, { target: 'draft-2020-12' }) }) (weftjs/docs does this by itself)"
      : 'pass openapi({ jsonSchema: (schema) => ... }) returning its JSON Schema'
  console.warn(
    `WEFT_OPENAPI_NO_JSON_SCHEMA: the ${vendor} schema of ${at} (${name}) has no JSON Schema and is documented as open ({}); ${hint}`,
  )
}
