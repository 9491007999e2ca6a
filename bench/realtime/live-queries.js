// The live-query engine on its own (no sockets: the realtime suite measures those):
// - write -> observer latency with 1,000 live queries on one collection at 100 writes/s,
//   from insertOne returning to the matching query's `added` (p50/p99), on SQLite and
//   PostgreSQL (where every change goes through LISTEN/NOTIFY, as from another instance);
// - CPU per write with 1,000 and 10,000 live queries of one shape ({ board }), against
//   the same writes with no live query (memory store: the engine's own cost);
// - memory per live query of 50 documents (sorted, limit 50).
// Usage: node bench/realtime/live-queries.js [--quick] [--stores=sqlite,postgres]
//   [--queries=1000] [--rate=100] [--seconds=10] [--shapes=1000,10000] [--memory-queries=1000]
// Needs `npm run build` first (it imports the built package). It prints its table only:
// `node bench/realtime/live-sockets.js --write` runs it and writes the "## Live queries"
// section of docs/benchmarks.md with both tables (the engine alone and over sockets).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { connect } from 'weftjs/data'
import { LiveQueryHub } from '../../packages/weft/dist/realtime/live-query/index.js'
import { POSTGRES_URL, postgresReachable } from '../data/postgres.js'
import { holdBenchLock, measureTable } from '../http/report.js'
import { percentile } from '../percentile.js'

const argv = process.argv.slice(2)
const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1'
const option = (name, fallback) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback
const stores = option('stores', 'sqlite,postgres').split(',').filter(Boolean)
const queries = Number(option('queries', quick ? 100 : 1000))
const rate = Number(option('rate', quick ? 50 : 100))
const seconds = Number(option('seconds', quick ? 1 : 10))
const shapes = option('shapes', quick ? '100,1000' : '1000,10000')
  .split(',')
  .map(Number)
const memoryQueries = Number(option('memory-queries', quick ? 100 : 1000))
const silent = { error() {}, warn() {}, info() {} }

if (!quick) holdBenchLock()
// Heap figures need a collector we can run: re-run with --expose-gc when it is missing.
if (typeof globalThis.gc !== 'function') {
  const { spawnSync } = await import('node:child_process')
  const run = spawnSync(process.execPath, ['--expose-gc', ...process.argv.slice(1)], { stdio: 'inherit' })
  process.exit(run.status ?? 1)
}

const ms = (value) => `${value.toFixed(value < 10 ? 2 : 1)} ms`

async function openStore(kind) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'weft-live-bench-'))
    const db = await connect(`sqlite:${join(dir, 'bench.db')}`)
    const close = async () => {
      await db.close()
      rmSync(dir, { recursive: true, force: true })
    }
    return { db, close }
  }
  if (kind === 'postgres') {
    const schema = `weft_bench_live_${process.pid}`
    const url = new URL(POSTGRES_URL)
    url.searchParams.set('schema', schema)
    const db = await connect(url.toString())
    return {
      db,
      close: async () => {
        await db.close()
        const client = new pg.Client({ connectionString: POSTGRES_URL })
        await client.connect()
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
        await client.end()
      },
    }
  }
  const db = await connect('memory:')
  return { db, close: () => db.close() }
}

/** 1,000 queries, one per board; writes at `rate` per second to random boards. */
async function latency(kind) {
  const { db, close } = await openStore(kind)
  const tasks = db.collection('tasks')
  await tasks.deleteMany({})
  await tasks.createIndex({ board: 1, at: -1 })
  await tasks.insertMany(Array.from({ length: queries * 5 }, (_, i) => ({ board: `b${i % queries}`, at: i })))
  const hub = new LiveQueryHub({ logger: silent })
  const arrived = new Map()
  const observer = { added: (id) => arrived.set(id, performance.now()), changed() {}, removed() {} }
  for (let i = 0; i < queries; i++)
    await hub.observe(tasks.find({ board: `b${i}` }, { sort: { at: -1 }, limit: 50 }), observer)
  arrived.clear()
  const samples = []
  const pending = []
  const count = Math.max(1, Math.round(rate * seconds))
  const start = performance.now()
  for (let n = 0; n < count; n++) {
    // Open loop: each write at its own time, whether or not earlier ones were delivered.
    const due = start + (n * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    pending.push(
      tasks.insertOne({ board: `b${n % queries}`, at: 1e9 + n }).then(({ insertedId }) => ({
        id: insertedId,
        returned: performance.now(),
      })),
    )
  }
  const written = await Promise.all(pending)
  await hub.fence()
  for (const { id, returned } of written) samples.push(Math.max(0, arrived.get(id) - returned))
  await hub.close()
  await close()
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), writes: samples.length }
}

/** Engine CPU per write: the same writes with `n` live queries of one shape, minus with none. */
async function cpuPerWrite(n) {
  const { db, close } = await openStore('memory')
  const tasks = db.collection('tasks')
  await tasks.insertMany(
    Array.from({ length: Math.max(n, 1) * 3 }, (_, i) => ({ board: `b${i % Math.max(n, 1)}`, at: i })),
  )
  const hub = new LiveQueryHub({ logger: silent })
  const observer = { added() {}, changed() {}, removed() {} }
  for (let i = 0; i < n; i++)
    await hub.observe(tasks.find({ board: `b${i}` }, { sort: { at: -1 }, limit: 10 }), observer)
  const writes = quick ? 500 : 5000
  const before = process.cpuUsage()
  for (let w = 0; w < writes; w++) {
    await tasks.insertOne({ board: `b${w % Math.max(n, 1)}`, at: 1e9 + w })
    if (w % 100 === 99) await hub.fence()
  }
  await hub.fence()
  const used = process.cpuUsage(before)
  await hub.close()
  await close()
  return (used.user + used.system) / writes
}

/** Heap per live query holding 50 documents (sorted, limit 50). */
async function memoryPerQuery() {
  const { db, close } = await openStore('memory')
  const tasks = db.collection('tasks')
  await tasks.insertMany(
    Array.from({ length: memoryQueries * 50 }, (_, i) => ({
      board: `b${i % memoryQueries}`,
      at: i,
      title: `Task number ${i}`,
      done: i % 3 === 0,
    })),
  )
  const hub = new LiveQueryHub({ logger: silent })
  const observer = { added() {}, changed() {}, removed() {} }
  globalThis.gc()
  const before = process.memoryUsage().heapUsed
  const handles = []
  for (let i = 0; i < memoryQueries; i++)
    handles.push(await hub.observe(tasks.find({ board: `b${i}` }, { sort: { at: -1 }, limit: 50 }), observer))
  globalThis.gc()
  const perQuery = (process.memoryUsage().heapUsed - before) / memoryQueries
  if (handles.some((handle) => handle.docs.size !== 50)) throw new Error('a query does not hold 50 documents')
  await hub.close()
  await close()
  return perQuery
}

const rows = []
for (const kind of stores) {
  if (kind === 'postgres' && !(await postgresReachable())) {
    console.error(`*** PostgreSQL at ${POSTGRES_URL} is not reachable: its latency row is left out. ***`)
    continue
  }
  const result = await latency(kind)
  const label = kind === 'sqlite' ? 'SQLite (file, WAL)' : 'PostgreSQL (LISTEN/NOTIFY)'
  rows.push(
    `| write → observer, ${queries.toLocaleString('en')} live queries, ${rate} writes/s, ${label} | p50 ${ms(result.p50)}, p99 ${ms(result.p99)} (${result.writes} writes) |`,
  )
  console.error(rows.at(-1))
}
const baseline = await cpuPerWrite(0)
rows.push(`| CPU per write, no live query (memory store) | ${baseline.toFixed(0)} µs |`)
for (const n of shapes) {
  const cpu = await cpuPerWrite(n)
  rows.push(
    `| CPU per write, ${n.toLocaleString('en')} live queries of one shape | ${cpu.toFixed(0)} µs (${(cpu - baseline).toFixed(0)} µs over none) |`,
  )
  console.error(rows.at(-1))
}
const perQuery = await memoryPerQuery()
rows.push(`| heap per live query of 50 documents | ${(perQuery / 1024).toFixed(1)} KiB |`)

const table = measureTable('bench/realtime/live-queries.js', argv, rows)
console.log(table)
