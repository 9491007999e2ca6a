// Random writes and live queries for the convergence tests: few ids, fields and values,
// so that writes often enter, leave, reorder and tie within the queries' windows.

import fc from 'fast-check'
import type { Collection } from 'weftjs/data'

export type Op =
  | { kind: 'insert'; doc: Record<string, unknown> }
  | { kind: 'set'; id: number; field: string; value: unknown }
  | { kind: 'unset'; id: number; field: string }
  | { kind: 'incMany'; g: string }
  | { kind: 'replace'; id: number; doc: Record<string, unknown> }
  | { kind: 'deleteOne'; id: number }
  | { kind: 'deleteMany'; n: number }

export interface QuerySpec {
  filter: Record<string, unknown>
  sort?: Record<string, 1 | -1>
  skip?: number
  limit?: number
  projection?: Record<string, 0 | 1>
}

const id = fc.integer({ min: 1, max: 8 })
const n = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant([1, 3]))
const g = fc.constantFrom('x', 'y')
const t = fc.constantFrom('p', 'q', 'r')
const body = fc.record({ g, n, t }, { requiredKeys: ['g'] })

export const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      doc: fc.tuple(id, body).map(([_id, b]) => ({ _id, ...b })),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.record({ kind: fc.constant('set' as const), id, field: fc.constant('n'), value: n }),
      fc.record({ kind: fc.constant('set' as const), id, field: fc.constant('g'), value: g }),
      fc.record({ kind: fc.constant('set' as const), id, field: fc.constant('t'), value: t }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('unset' as const), id, field: fc.constantFrom('n', 't') }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('incMany' as const), g }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), id, doc: body }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteOne' as const), id }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deleteMany' as const), n: fc.integer({ min: 0, max: 3 }) }),
  },
)

export const querySpec: fc.Arbitrary<QuerySpec> = fc.record(
  {
    filter: fc.constantFrom<Record<string, unknown>>(
      {},
      { g: 'x' },
      { n: { $gte: 2 } },
      { g: 'y', n: { $lt: 2 } },
      { t: { $exists: true } },
      { $or: [{ g: 'x' }, { t: 'p' }] },
    ),
    sort: fc.constantFrom<Record<string, 1 | -1>>(
      { n: 1 },
      { n: -1 },
      { g: 1, n: -1 },
      { _id: -1 },
      { t: 1 },
    ),
    skip: fc.integer({ min: 1, max: 2 }),
    limit: fc.integer({ min: 1, max: 3 }),
    projection: fc.constantFrom<Record<string, 0 | 1>>({ n: 1 }, { t: 0 }, { g: 1, t: 1 }),
  },
  { requiredKeys: ['filter'] },
)

/** Applies one write; refusals (a duplicate _id, $inc on an array) write nothing and are part of the game. */
export async function applyOp(tasks: Collection, write: Op): Promise<void> {
  try {
    switch (write.kind) {
      case 'insert':
        return void (await tasks.insertOne(write.doc))
      case 'set':
        return void (await tasks.updateOne({ _id: write.id }, { $set: { [write.field]: write.value } }))
      case 'unset':
        return void (await tasks.updateOne({ _id: write.id }, { $unset: { [write.field]: '' } }))
      case 'incMany':
        return void (await tasks.updateMany({ g: write.g, n: { $type: 'number' } }, { $inc: { n: 1 } }))
      case 'replace':
        return void (await tasks.replaceOne({ _id: write.id }, write.doc))
      case 'deleteOne':
        return void (await tasks.deleteOne({ _id: write.id }))
      case 'deleteMany':
        return void (await tasks.deleteMany({ n: write.n }))
    }
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code !== 'WEFT_DATA_DUPLICATE_KEY' && code !== 'WEFT_DATA_BAD_UPDATE') throw error
  }
}
