// Find plans kept per filter *shape*, so a query seen before skips the planning: the
// SQL text is the same, only the values differ. The shape is the filter with each value
// replaced by its class: the classes keep apart every value the planner treats
// differently (0 and 1 beside other numbers, whether 0 or 1 lies in a range, strings
// starting with `[` or `{`, strings past U+D7FF, the empty string, true, false, null),
// and the shape keeps field names, operators and list lengths. Only filters of plain
// values (strings, finite numbers, booleans, null) under fields, `$and`, `$or` and the
// operators the SQL stores push down are cached; any other filter is planned each time.
//
// How the values get back into a cached plan: a miss plans the filter twice, once as
// given and once as a *probe*, the same shape with a unique marker value of the same
// class in each place. A parameter of the probe's plan that equals a marker (or the
// marker's JSON, the `_id` column's form) comes from that place of the filter; any other
// parameter is a constant of the shape (a class of one value: 0, 1, true, ''). The two
// plans must then agree (same SQL, and the given filter's parameters where the markers
// were), else the shape is never cached: a class missing here costs speed, not answers.
// Plans depend on nothing else but the indexes: the store clears the cache when they change.
// A check's SQL (`arrayCheck`, `candidates`) is built after other parameters: with
// numbered placeholders (PostgreSQL's `$1`) the cached text is renumbered from where its
// parameters start, and a shape is cached only if that renumbering is what the planner
// writes there itself.

import type { Filter, FindOptions } from '../store.js'
import type { ExactPlan, SupersetPlan } from './sql-find.js'
import { isOperatorObject, isPlainRecord } from './sql-pushdown.js'

type Plan = ExactPlan | SupersetPlan

/**
 * Statements a store builds from a cached plan, kept with its shape under names the store
 * chooses: building the text again and looking it up among the prepared statements cost
 * a query about as much as planning it.
 */
export type PlanMemo = Record<string, string>

/** A plan; one from the cache carries the memo of its shape. */
export type CachedPlan = Plan & { memo?: PlanMemo }

/** Where a parameter comes from: a value of the filter (as is, or as JSON text), or the shape. */
type Slot = { leaf: number; json: boolean } | { constant: unknown }

/** A piece of SQL and where its parameters come from. */
interface BoundSql {
  sql: string
  slots: Slot[]
}

interface Template {
  plan: Plan
  memo: PlanMemo
  params: Slot[]
  arrayCheck: BoundSql | null
  candidates: BoundSql | null
}

/** The cached shapes of one collection (a shape of no use is kept as null). */
export class PlanCache {
  readonly #templates = new Map<string, Template | null>()
  readonly #plan: (filter: Filter, options: FindOptions) => Plan
  readonly #numbered: boolean

  /** `numbered`: the dialect's placeholders are `$1`, `$2`... rather than `?`. */
  constructor(plan: (filter: Filter, options: FindOptions) => Plan, numbered = false) {
    this.#plan = plan
    this.#numbered = numbered
  }

  /** The plan for `filter` and `options`: from the cache when the shape was seen before. */
  plan(filter: Filter, options: FindOptions): CachedPlan {
    const shape = readShape(filter, options)
    if (shape === null) return this.#plan(filter, options)
    const template = this.#templates.get(shape.key)
    if (template) return instantiate(template, shape.leaves, options, this.#numbered)
    const plan = this.#plan(filter, options)
    if (template === undefined) {
      if (this.#templates.size >= MAX_SHAPES) this.#templates.clear()
      this.#templates.set(shape.key, this.#learn(filter, options, plan, shape.leaves))
    }
    return plan
  }

  /** After the indexes changed: every plan may change. */
  clear(): void {
    this.#templates.clear()
  }

  #learn(filter: Filter, options: FindOptions, plan: Plan, leaves: unknown[]): Template | null {
    const markers: unknown[] = []
    const probe = rebuild(filter, markers) as Filter
    const probePlan = this.#plan(probe, options)
    const slotOf = markerSlots(markers)
    const slots = (params: unknown[]) => params.map((param) => slotOf.get(param) ?? { constant: param })
    const template: Template = {
      plan: probePlan,
      memo: {},
      params: slots(probePlan.params),
      arrayCheck: null,
      candidates: null,
    }
    if (probePlan.kind === 'exact') {
      template.arrayCheck = readBound(probePlan.arrayCheck, slots)
      template.candidates = readBound(probePlan.rowCheck?.candidates ?? null, slots)
    }
    const cached = instantiate(template, leaves, options, this.#numbered)
    // Only numbered placeholders depend on where a check's parameters start.
    return sameAs(cached, plan) && (!this.#numbered || sameAfter(cached, plan)) ? template : null
  }
}

/** Shapes kept per collection; past this many the cache starts over. */
const MAX_SHAPES = 500
/** Longer `$in`, `$and` and `$or` lists are planned each time (the shape would be long). */
const MAX_LIST = 200
const LEAF_OPERATORS = new Set(['$eq', '$gt', '$gte', '$lt', '$lte', '$exists'])

interface Shape {
  key: string
  leaves: unknown[]
}

/** The filter's shape and its values in order, or null when the filter is not cached. */
function readShape(filter: Filter, options: FindOptions): Shape | null {
  const leaves: unknown[] = []
  const key = filterShape(filter, leaves)
  if (key === null) return null
  let sort = ''
  for (const path in options.sort ?? {})
    sort += `${path.length}:${path}${options.sort![path] === -1 ? '-' : '+'}`
  return { key: `${key}|${sort}|${options.limit || 0}|${options.skip ?? 0}`, leaves }
}

function filterShape(filter: Filter, leaves: unknown[]): string | null {
  if (!isPlainRecord(filter)) return null
  let key = '{'
  for (const field of Object.keys(filter)) {
    const value = filter[field]
    let part: string | null
    if (field === '$and' || field === '$or') part = listShape(value, leaves)
    else if (field.startsWith('$')) return null
    else part = conditionShape(value, leaves)
    if (part === null) return null
    key += `${field.length}:${field}${part}`
  }
  return `${key}}`
}

function listShape(list: unknown, leaves: unknown[]): string | null {
  if (!Array.isArray(list) || list.length > MAX_LIST) return null
  let key = '['
  for (const item of list) {
    const part = filterShape(item as Filter, leaves)
    if (part === null) return null
    key += part
  }
  return `${key}]`
}

function conditionShape(condition: unknown, leaves: unknown[]): string | null {
  if (!isOperatorObject(condition)) return leafShape(condition, leaves)
  let key = '('
  for (const op of Object.keys(condition)) {
    const operand = condition[op]
    let part: string | null = null
    if (LEAF_OPERATORS.has(op)) part = leafShape(operand, leaves)
    else if (op === '$in' && Array.isArray(operand) && operand.length <= MAX_LIST) {
      part = '['
      for (const item of operand) {
        const itemPart = leafShape(item, leaves)
        if (itemPart === null) return null
        part += itemPart
      }
      part += ']'
    }
    if (part === null) return null
    key += `${op}${part}`
  }
  return `${key})`
}

function leafShape(value: unknown, leaves: unknown[]): string | null {
  const kind = valueClass(value)
  if (kind !== null) leaves.push(value)
  return kind
}

/**
 * The class of a plain value, or null when such values are not cached. Two values of one
 * class must get the same plan from the planner (see the top of this file).
 */
function valueClass(value: unknown): string | null {
  switch (typeof value) {
    case 'string': {
      if (value === '') return 'E'
      let kind = value[0] === '[' || value[0] === '{' ? 'J' : 'S'
      for (let i = 0; i < value.length; i++) {
        const code = value.charCodeAt(i)
        // PostgreSQL compares strings holding U+0000 or U+FFFD in JavaScript, not in SQL.
        if (code === 0 || code === 0xfffd) return null
        if (code >= 0xd800 && !kind.endsWith('U')) kind += 'U'
      }
      return kind
    }
    case 'number':
      if (!Number.isFinite(value)) return null
      if (value === 0) return Object.is(value, -0) ? 'Z' : '0'
      if (value === 1) return '1'
      return value < 0 ? '<' : value < 1 ? 'f' : '>'
    case 'boolean':
      return value ? 'T' : 'F'
    default:
      return value === null ? 'N' : null
  }
}

/** A value of the same class as `value`, unique to place `index` where the class allows. */
function marker(value: unknown, index: number): unknown {
  const kind = valueClass(value)!
  switch (kind[0]) {
    case 'S':
    case 'J':
      return `${kind[0] === 'J' ? '[' : ''}\u0001${index}${kind.endsWith('U') ? '\ud800' : ''}`
    case '<':
      return -2 - index
    case 'f':
      return 1 / (index + 3)
    case '>':
      return 2 + index
    default:
      return value
  }
}

/** A copy of a filter (of a cached shape) with each value replaced by its marker. */
function rebuild(value: unknown, markers: unknown[]): unknown {
  if (Array.isArray(value)) return value.map((item) => rebuild(item, markers))
  if (isPlainRecord(value)) {
    const copy: Record<string, unknown> = {}
    // Defined, not assigned: a field named `__proto__` stays a field.
    for (const key of Object.keys(value))
      Object.defineProperty(copy, key, {
        value: rebuild(value[key], markers),
        enumerable: true,
        writable: true,
      })
    return copy
  }
  const probe = marker(value, markers.length)
  markers.push(probe)
  return probe
}

/** Each marker's value and JSON text, and the place it stands for. */
function markerSlots(markers: unknown[]): Map<unknown, Slot> {
  const slots = new Map<unknown, Slot>()
  markers.forEach((probe, leaf) => {
    if (typeof probe === 'string' ? probe === '' : typeof probe !== 'number' || probe === 0 || probe === 1)
      return
    slots.set(probe, { leaf, json: false })
    slots.set(JSON.stringify(probe), { leaf, json: true })
  })
  return slots
}

type Build = ((params: unknown[]) => string) | null

/** The SQL a plan's builder writes and the parameters it adds. */
function built(build: Build): { sql: string; params: unknown[] } | null {
  if (build === null) return null
  const params: unknown[] = []
  return { sql: build(params), params }
}

function readBound(build: Build, slots: (params: unknown[]) => Slot[]): BoundSql | null {
  const part = built(build)
  return part && { sql: part.sql, slots: slots(part.params) }
}

function bind(slots: Slot[], leaves: unknown[], params: unknown[] = []): unknown[] {
  for (const slot of slots) {
    if ('constant' in slot) params.push(slot.constant)
    else params.push(slot.json ? JSON.stringify(leaves[slot.leaf]) : leaves[slot.leaf])
  }
  return params
}

function bound(part: BoundSql | null, leaves: unknown[], numbered: boolean): Build {
  if (part === null) return null
  return (params) => {
    const first = params.length
    bind(part.slots, leaves, params)
    return numbered && first > 0 ? renumber(part.sql, first) : part.sql
  }
}

/** `$1` becomes `$${1 + by}`, and so on: the text as built after `by` other parameters. */
function renumber(sql: string, by: number): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + by}`)
}

function instantiate(
  template: Template,
  leaves: unknown[],
  options: FindOptions,
  numbered: boolean,
): CachedPlan {
  const { plan, memo } = template
  const params = bind(template.params, leaves)
  if (plan.kind === 'superset') return { kind: 'superset', where: plan.where, params, memo }
  const candidates = bound(template.candidates, leaves, numbered)
  // Written out, not spread: copying the planner's object field by field cost more than planning.
  return {
    kind: 'exact',
    where: plan.where,
    params,
    sortKeys: plan.sortKeys,
    // The caller's sort, not the one the shape was learnt from (it may have changed since).
    partialSort: plan.partialSort === null ? null : options.sort!,
    limit: plan.limit,
    offset: plan.offset,
    arrayCheck: bound(template.arrayCheck, leaves, numbered),
    rowCheck: plan.rowCheck &&
      candidates && { bad: plan.rowCheck.bad, candidates, table: plan.rowCheck.table },
    memo,
  }
}

/** Does the cached plan say exactly what the planner said? */
function sameAs(cached: Plan, planned: Plan): boolean {
  if (cached.kind !== planned.kind || cached.where !== planned.where) return false
  if (!sameValues(cached.params, planned.params)) return false
  if (cached.kind === 'superset' || planned.kind === 'superset') return true
  return (
    JSON.stringify(cached.sortKeys) === JSON.stringify(planned.sortKeys) &&
    cached.partialSort === planned.partialSort &&
    cached.limit === planned.limit &&
    cached.offset === planned.offset &&
    cached.rowCheck?.bad === planned.rowCheck?.bad &&
    cached.rowCheck?.table === planned.rowCheck?.table &&
    sameBuilt(built(cached.arrayCheck), built(planned.arrayCheck)) &&
    sameBuilt(built(cached.rowCheck?.candidates ?? null), built(planned.rowCheck?.candidates ?? null))
  )
}

/** Do the checks say the same when built after another parameter, as a store builds them? */
function sameAfter(cached: Plan, planned: Plan): boolean {
  if (cached.kind === 'superset' || planned.kind === 'superset') return true
  return (
    sameBuilt(builtAfterOne(cached.arrayCheck), builtAfterOne(planned.arrayCheck)) &&
    sameBuilt(
      builtAfterOne(cached.rowCheck?.candidates ?? null),
      builtAfterOne(planned.rowCheck?.candidates ?? null),
    )
  )
}

function builtAfterOne(build: Build): { sql: string; params: unknown[] } | null {
  if (build === null) return null
  const params: unknown[] = [null]
  return { sql: build(params), params }
}

function sameBuilt(
  a: { sql: string; params: unknown[] } | null,
  b: { sql: string; params: unknown[] } | null,
) {
  if (a === null || b === null) return a === b
  return a.sql === b.sql && sameValues(a.params, b.params)
}

function sameValues(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]))
}
