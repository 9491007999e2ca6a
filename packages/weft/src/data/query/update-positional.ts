// Positional update paths, resolved per document into plain paths before the update
// runs: `'grades.$'` is the first element the query matched in `grades`, `'grades.$[]'`
// every element, and `'grades.$[g]'` every element the array filter named `g` matches
// (`arrayFilters: [{ 'g.score': { $gte: 8 } }]`). Resolution follows MongoDB: `$` needs
// the query to have matched an element of that array, `$[]` needs the array to exist,
// and every array filter must be used by the update.

import { UpdateError } from '../errors.js'
import type { Filter } from '../store.js'
import { isPlainObject } from './compare.js'
import { compileFilter, type Predicate } from './match.js'
import { isIndexSegment, ownField } from './paths.js'

type Doc = Record<string, unknown>

export interface PositionalContext {
  filter?: Filter
  arrayFilters?: Filter[]
}

const IDENTIFIER = /^\$\[([a-z][A-Za-z0-9]*)?\]$/

/** True for `$`, `$[]` and `$[name]`. */
export function isPositionalSegment(segment: string): boolean {
  return segment === '$' || IDENTIFIER.test(segment)
}

/** Array filters by identifier: `{ g: predicate on one element }`. */
export function compileArrayFilters(arrayFilters: Filter[] | undefined): Map<string, Predicate> {
  const byName = new Map<string, Predicate>()
  for (const filter of arrayFilters ?? []) {
    if (!isPlainObject(filter) || Object.keys(filter).length === 0)
      throw new UpdateError('Each array filter must be a non-empty object, e.g. { "g.score": { $gte: 8 } }.')
    const names = new Set(Object.keys(filter).map((key) => key.split('.')[0]))
    const [name] = names
    if (names.size !== 1 || !/^[a-z][A-Za-z0-9]*$/.test(name)) {
      throw new UpdateError(
        `An array filter must name one identifier (a lowercase letter, then letters or digits): ${Object.keys(filter).join(', ')}.`,
      )
    }
    if (byName.has(name)) throw new UpdateError(`Two array filters use the identifier '${name}'.`)
    // `{ g: cond }` is about the element, `{ 'g.x': cond }` about its field: wrap the element.
    const matches = compileFilter(filter)
    byName.set(name, (element) => matches({ [name]: element }))
  }
  return byName
}

/** Every concrete path a positional path stands for in `doc` (none when no element qualifies). */
export function expandPath(
  doc: Doc,
  segments: string[],
  context: PositionalContext,
  arrayFilters: Map<string, Predicate>,
  used: Set<string>,
): string[][] {
  const out: string[][] = []
  const walk = (value: unknown, i: number, prefix: string[]) => {
    if (i === segments.length) {
      out.push(prefix)
      return
    }
    const segment = segments[i]
    if (!isPositionalSegment(segment)) {
      walk(child(value, segment), i + 1, [...prefix, segment])
      return
    }
    if (!Array.isArray(value)) {
      throw new UpdateError(
        `The path '${prefix.join('.')}' must hold an array in order to apply the positional update '${segments.join('.')}'.`,
      )
    }
    if (segment === '$') {
      const index = firstMatch(doc, prefix, value, context.filter)
      walk(value[index], i + 1, [...prefix, String(index)])
      return
    }
    const name = IDENTIFIER.exec(segment)?.[1]
    let test: Predicate | undefined
    if (name !== undefined) {
      test = arrayFilters.get(name)
      if (!test)
        throw new UpdateError(`No array filter found for identifier '${name}' in '${segments.join('.')}'.`)
      used.add(name)
    }
    value.forEach((element, index) => {
      if (!test || test(element)) walk(element, i + 1, [...prefix, String(index)])
    })
  }
  walk(doc, 0, [])
  return out
}

function child(value: unknown, segment: string): unknown {
  if (Array.isArray(value)) return isIndexSegment(segment) ? value[Number(segment)] : undefined
  return isPlainObject(value) ? ownField(value, segment) : undefined
}

// The first element of the array at `prefix` for which every condition of the query on
// that array holds, tried one element at a time.
function firstMatch(doc: Doc, prefix: string[], array: unknown[], filter: Filter | undefined): number {
  const clauses = relevantClauses(filter ?? {}, prefix.join('.'))
  if (clauses.length > 0) {
    const tests = clauses.map(compileFilter)
    for (let index = 0; index < array.length; index++) {
      const single = withArray(doc, prefix, [array[index]])
      if (tests.every((test) => test(single))) return index
    }
  }
  throw new UpdateError(
    `The positional operator did not find the match needed from the query for '${prefix.join('.')}.$'. ` +
      'The filter must select an element of that array, e.g. { "grades.score": 8 }.',
  )
}

function relevantClauses(filter: Filter, prefix: string): Filter[] {
  const out: Filter[] = []
  for (const key of Object.keys(filter)) {
    const value = filter[key]
    if (key === '$and' && Array.isArray(value))
      out.push(...value.flatMap((part) => relevantClauses(part as Filter, prefix)))
    else if (key === prefix || key.startsWith(`${prefix}.`)) out.push({ [key]: value })
  }
  return out
}

function withArray(doc: Doc, prefix: string[], array: unknown[]): Doc {
  const replace = (value: unknown, i: number): unknown => {
    if (i === prefix.length) return array
    const segment = prefix[i]
    if (Array.isArray(value)) {
      const copy = [...value]
      copy[Number(segment)] = replace(value[Number(segment)], i + 1)
      return copy
    }
    const object = isPlainObject(value) ? value : {}
    return { ...object, [segment]: replace(object[segment], i + 1) }
  }
  return replace(doc, 0) as Doc
}
