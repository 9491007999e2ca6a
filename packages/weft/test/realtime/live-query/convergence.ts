// The convergence property of live queries, shared by every store's test: random writes,
// in random concurrent batches, against a set of live queries started before and among
// them; after the write fence every observer's result (and order, when sorted) equals a
// fresh find(), and so does each handle's `docs`.

import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { Collection, Db } from 'weftjs/data'
import { LiveQueryHub } from '../../../src/realtime/live-query/index.ts'
import { applyOp, type Op, op, type QuerySpec, querySpec } from './model.ts'
import { asRecorded, type Recorded, Recorder } from './recorder.ts'

export interface ConvergenceOptions {
  db: Db
  numRuns: number
  /** Runs a batch of writes elsewhere (another process); resolves once they are committed. */
  remote?: (collection: string, ops: Op[]) => Promise<void>
  seed?: number
}

let runs = 0

const scenario = fc.record({
  seed: fc.array(op, { maxLength: 8 }),
  queries: fc.array(fc.tuple(querySpec, fc.nat(3)), { minLength: 1, maxLength: 6 }),
  batches: fc.array(fc.array(fc.tuple(op, fc.boolean()), { minLength: 1, maxLength: 4 }), { maxLength: 8 }),
})

export async function checkConvergence(options: ConvergenceOptions): Promise<void> {
  await fc.assert(
    fc.asyncProperty(scenario, async ({ seed, queries, batches }) => {
      const name = `live_${process.pid}_${runs++}`
      const tasks = options.db.collection(name)
      for (const write of seed) await applyOp(tasks, write)
      const hub = new LiveQueryHub()
      // LIVE_DEBUG=1 prints the collection's own change feed with a failure, to replay it by hand.
      const events: string[] = []
      if (process.env.LIVE_DEBUG) {
        const watch = tasks.watch()
        void (async () => {
          for await (const e of watch)
            events.push(`${e.type} ${e.id} ${JSON.stringify(e.type === 'delete' ? null : e.doc)}`)
        })()
      }
      const live: {
        spec: QuerySpec
        recorder: Recorder
        handle: { docs: ReadonlyMap<unknown, unknown>; stop(): void }
      }[] = []
      const start = (spec: QuerySpec) => async () => {
        const recorder = new Recorder()
        const handle = await hub.observe(tasks.find(spec.filter, findOptions(spec)), recorder)
        live.push({ spec, recorder, handle })
      }
      try {
        for (const [index, batch] of batches.entries()) {
          const starting = queries.filter(([, at]) => at === index).map(([spec]) => start(spec))
          const local = batch
            .filter(([, here]) => here || !options.remote)
            .map(
              ([write]) =>
                () =>
                  applyOp(tasks, write),
            )
          const remote = batch.filter(([, here]) => !here && options.remote).map(([write]) => write)
          const elsewhere = remote.length > 0 ? [() => options.remote!(name, remote)] : []
          await Promise.all([...starting, ...local, ...elsewhere].map((run) => run()))
        }
        for (const [spec, at] of queries) if (at >= batches.length) await start(spec)()
        await hub.fence()
        assert.equal(hub.feeds, 1, 'one change feed for the collection')
        for (const { spec, recorder, handle } of live) await expectFind(tasks, spec, recorder, handle.docs)
      } catch (error) {
        if (process.env.LIVE_DEBUG) console.error(error, events)
        throw error
      } finally {
        for (const { handle } of live) handle.stop()
        await hub.close()
        await tasks.deleteMany({})
      }
    }),
    { numRuns: options.numRuns, seed: options.seed },
  )
}

function findOptions(spec: QuerySpec) {
  const { filter: _filter, ...rest } = spec
  return rest
}

async function expectFind(
  tasks: Collection,
  spec: QuerySpec,
  recorder: Recorder,
  docs: ReadonlyMap<unknown, unknown>,
): Promise<void> {
  const expected = asRecorded(await tasks.find(spec.filter, findOptions(spec)).toArray())
  const context = `query ${JSON.stringify(spec)}\ncalls:\n${recorder.calls.join('\n')}`
  assert.deepEqual(recorder.errors, [], context)
  const held = recorder.list()
  const handleDocs = [...docs].map(([id, fields]) => ({ id, fields }) as Recorded)
  if (spec.sort) {
    assert.deepEqual(held, expected, context)
    assert.deepEqual(handleDocs, expected, `handle.docs of ${context}`)
  } else {
    assert.deepEqual(byId(held), byId(expected), context)
    assert.deepEqual(byId(handleDocs), byId(expected), `handle.docs of ${context}`)
  }
}

function byId(list: Recorded[]): Recorded[] {
  return [...list].sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0))
}
