import type { StandardSchemaV1 } from '../schema/standard.js'

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as a plain object. */
export type JsonSchema = Record<string, unknown>

/** Whether a schema describes what a request sends (`input`) or what a response carries (`output`). */
export type SchemaSide = 'input' | 'output'

/**
 * Turns a Standard Schema into JSON Schema; return `undefined` to fall back to the built-in
 * ways. `@valibot/to-json-schema` is the usual one to pass (valibot schemas carry no
 * JSON Schema of their own).
 * @example (schema) => schema['~standard'].vendor === 'valibot' ? toJsonSchema(schema as any) : undefined
 */
export type JsonSchemaConverter = (schema: StandardSchemaV1, side: SchemaSide) => JsonSchema | undefined

/** The Standard JSON Schema interface (standardschema.dev/json-schema): zod 4.2+, arktype 2.1.20+. */
interface StandardJsonSchemaProps {
  jsonSchema?: {
    input(options: { target: string; libraryOptions?: Record<string, unknown> }): JsonSchema
    output(options: { target: string; libraryOptions?: Record<string, unknown> }): JsonSchema
  }
}

const TARGET = 'draft-2020-12'

/**
 * JSON Schema for a Standard Schema, found in this order: the user's converter, the
 * Standard JSON Schema interface, the library's own method (arktype's `toJsonSchema()`).
 * Returns `undefined` when none applies; the caller says what to do about it.
 */
export function toJsonSchema(
  schema: StandardSchemaV1,
  side: SchemaSide,
  converter?: JsonSchemaConverter,
): JsonSchema | undefined {
  const custom = converter?.(schema, side)
  if (custom) return custom
  const standard = (schema['~standard'] as StandardJsonSchemaProps).jsonSchema
  if (standard && typeof standard[side] === 'function') return standard[side]({ target: TARGET })
  const own = (schema as { toJsonSchema?: unknown }).toJsonSchema
  if (schema['~standard'].vendor === 'arktype' && typeof own === 'function') return own.call(schema)
  return undefined
}

/**
 * Where a converted schema's definitions go: OpenAPI's `components.schemas`. A schema's
 * local `$defs` cannot stay inline, because `#/$defs/X` inside the OpenAPI document would
 * resolve against the document root; so they are hoisted and every `$ref` rewritten.
 */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {}

  /**
   * Prepares a converted schema for the document: drops `$schema`, hoists `$defs`
   * (and the root itself when it refers to itself with `#`), rewrites `$ref`s.
   * `rootName` names the root if it must become a component.
   */
  embed(converted: JsonSchema, rootName: string): JsonSchema {
    const { $schema: _dialect, $defs, definitions, ...root } = converted
    const defs = { ...(definitions as Record<string, JsonSchema>), ...($defs as Record<string, JsonSchema>) }
    const selfRef = hasRef(root, '#') || Object.values(defs).some((def) => hasRef(def, '#'))
    const rootComponent = selfRef ? this.freeName(rootName, new Set()) : ''
    if (rootComponent) this.schemas[rootComponent] = {}
    const rootRef = rootComponent ? `#/components/schemas/${rootComponent}` : ''
    // A definition keeps its name when free or when the same schema already holds it
    // (a shared `User` used by many routes); a different schema under that name is renamed.
    const names = new Map(Object.keys(defs).map((name) => [name, sanitizeName(name)]))
    let rewritten: Record<string, JsonSchema> = {}
    for (;;) {
      rewritten = {}
      for (const [name, def] of Object.entries(defs))
        rewritten[name] = rewriteRefs(def, names, rootRef) as JsonSchema
      const clashes = [...names].filter(
        ([name, component]) =>
          component in this.schemas &&
          JSON.stringify(this.schemas[component]) !== JSON.stringify(rewritten[name]),
      )
      if (clashes.length === 0) break
      for (const [name] of clashes) names.set(name, this.freeName(name, new Set(names.values())))
    }
    for (const [name, def] of Object.entries(rewritten)) this.schemas[names.get(name)!] = def
    const body = rewriteRefs(root, names, rootRef) as JsonSchema
    if (!rootComponent) return body
    this.schemas[rootComponent] = body
    return { $ref: rootRef }
  }

  /** Looks a `$ref` into components up, for splitting a query schema into parameters. */
  resolve(schema: JsonSchema): JsonSchema {
    let current = schema
    for (let depth = 0; depth < 8 && typeof current.$ref === 'string'; depth++) {
      const name = current.$ref.startsWith('#/components/schemas/')
        ? current.$ref.slice('#/components/schemas/'.length)
        : ''
      const target = this.schemas[name]
      if (!target) break
      current = target
    }
    return current
  }

  private freeName(name: string, taken: Set<string>): string {
    const base = sanitizeName(name)
    let unique = base
    for (let n = 2; unique in this.schemas || taken.has(unique); n++) unique = `${base}${n}`
    return unique
  }
}

/** Component names must match `^[a-zA-Z0-9._-]+$`. */
function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]/g, '_') || 'Schema'
}

function rewriteRefs(node: unknown, names: Map<string, string>, rootRef: string): unknown {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, names, rootRef))
  if (typeof node !== 'object' || node === null) return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out[key] = rewriteRef(value, names, rootRef)
    else if (key === '$schema') continue
    else out[key] = rewriteRefs(value, names, rootRef)
  }
  return out
}

function rewriteRef(ref: string, names: Map<string, string>, rootRef: string): string {
  if (ref === '#') return rootRef || ref
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref)
  if (!match) return ref
  const name = names.get(decodeURIComponent(match[1]).replace(/~1/g, '/').replace(/~0/g, '~'))
  return name ? `#/components/schemas/${name}` : ref
}

function hasRef(node: unknown, ref: string): boolean {
  if (Array.isArray(node)) return node.some((item) => hasRef(item, ref))
  if (typeof node !== 'object' || node === null) return false
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && value === ref) return true
    if (hasRef(value, ref)) return true
  }
  return false
}
