// Cursor (keyset) pagination: a page ends with a token naming its last document's sort
// values and `_id`; the next page asks for what sorts after them. `_id` is always the last
// sort key, so ties on the other keys are cut exactly: no document is skipped or repeated,
// even when documents are added or removed between pages. The token comes back from
// clients, so it is decoded strictly: scalars only, never an operator.

import { QueryError } from './errors.js'
import type { PopulateOption } from './populate.js'
import { getPath, splitPath } from './query/paths.js'
import type { DocId, Filter, FindOptions, SortSpec } from './store.js'

export interface PageOptions {
  sort?: SortSpec
  /** Page size (default 20). */
  limit?: number
  /** The `next` token of the previous page. */
  after?: string
  /** Must keep the sort fields. */
  projection?: FindOptions['projection']
  populate?: PopulateOption
  allowOperators?: boolean
  withDeleted?: boolean
}

type Find<D> = (filter: Filter, options: Omit<PageOptions, 'after'>) => Promise<D[]>

/** Reads one page (limit + 1 documents, to know whether another follows). */
export async function keysetPage<D>(
  find: Find<D>,
  filter: unknown,
  options: PageOptions,
): Promise<{ items: D[]; next: string | null }> {
  const { after, limit = 20, sort, ...rest } = options
  if (!Number.isInteger(limit) || limit < 1)
    throw new QueryError('page limit must be a whole number of 1 or more.')
  const order = keysetSort(sort)
  const base = filter as Filter
  const scoped = after === undefined ? base : { $and: [base, afterToken(after, order)] }
  const items = await find(scoped, { ...rest, sort: order, limit: limit + 1 })
  const more = items.length > limit
  if (more) items.pop()
  return { items, next: more ? encodeToken(items[items.length - 1] as Doc, order) : null }
}

type Scalar = string | number | boolean | Date
type Doc = Record<string, unknown>

/** The sort with `_id` as the last key (ascending unless given). */
export function keysetSort(sort: SortSpec = {}): SortSpec {
  return '_id' in sort ? sort : { ...sort, _id: 1 }
}

/** The token for the page after `last`. */
export function encodeToken(last: Doc, sort: SortSpec): string {
  const values = Object.keys(sort).map((path) => {
    const value = getPath(last, splitPath(path))
    if (!isScalar(value)) {
      throw new QueryError(
        `Cursor pagination needs a number, string, boolean or date at "${path}" in every document ` +
          `(found ${JSON.stringify(value) ?? 'nothing'}). Sort on fields every document has.`,
      )
    }
    return value instanceof Date ? { $date: value.toISOString() } : value
  })
  return toBase64Url(JSON.stringify(values))
}

/** The filter for what sorts after the token: `a > x OR (a = x AND _id > y)`, per direction. */
export function afterToken(token: string, sort: SortSpec): Filter {
  const paths = Object.keys(sort)
  let values: unknown
  try {
    values = JSON.parse(fromBase64Url(token))
  } catch {
    values = undefined
  }
  if (!Array.isArray(values) || values.length !== paths.length) throw badToken()
  const decoded = values.map(decodeValue)
  const branches: Filter[] = paths.map((path, i) => {
    const branch: Filter = {}
    for (let j = 0; j < i; j++) branch[paths[j]] = { $eq: decoded[j] }
    branch[path] = { [sort[path] === 1 ? '$gt' : '$lt']: decoded[i] }
    return branch
  })
  return branches.length === 1 ? branches[0] : { $or: branches }
}

function decodeValue(value: unknown): Scalar | DocId {
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 1) {
    const iso = (value as { $date?: unknown }).$date
    const date = typeof iso === 'string' ? new Date(iso) : undefined
    if (date && !Number.isNaN(date.getTime())) return date
  }
  throw badToken()
}

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    (value instanceof Date && !Number.isNaN(value.getTime()))
  )
}

function badToken(): QueryError {
  return new QueryError('The page token is not valid: pass back the `next` of the previous page unchanged.')
}

// base64url with the web APIs every runtime has (no Buffer).
function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

function fromBase64Url(token: string): string {
  if (typeof token !== 'string' || token.length > 4096 || !/^[A-Za-z0-9_-]*$/.test(token)) throw badToken()
  const binary = atob(token.replaceAll('-', '+').replaceAll('_', '/'))
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)))
}
