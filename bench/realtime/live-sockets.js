// Live queries over real WebSockets: servers (servers/live.ts, one publication) on core 0,
// the subscribers (live-load.js, raw `ws` speaking the protocol) in another process on core 1.
// - write → subscriber latency: 1,000 subscribers, each with its own live query on one
//   collection, 100 writes/s; from `insertOne` returning in the server to the last matching
//   subscriber's `added` (p50/p99, one wall clock for both processes). On SQLite (one
//   server), and on PostgreSQL across two servers: writes on A, subscribers alternating
//   A and B, B learning of each write through LISTEN/NOTIFY;
// - CPU per write with 0, 1,000 and 10,000 live queries (SQLite): server CPU time over the
//   writes and their delivery, ÷ writes;
// - memory per live subscription of 50 documents (SQLite): server RSS and heap after a
//   collection, with the sockets already open, before and after subscribing, ÷ subscriptions.
// Usage: node bench/realtime/live-sockets.js [--quick] [--write] [--stores=sqlite,postgres]
//   [--subscribers=1000] [--share=1] [--rate=100] [--seconds=10] [--cpu=1000,10000]
//   [--memory=1000] [--no-engine]
// `--share=k` puts k subscribers (each still its own subscription) on every board.
// `--write` (or BENCH_WRITE=1) first runs live-queries.js (the engine alone, unless
// --no-engine) and rewrites the "## Live queries" section of docs/benchmarks.md with both.
// Needs `npm run build` first (the server imports the built package).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { POSTGRES_URL, postgresReachable } from '../data/postgres.js'
import { holdBenchLock, measureTable, updateSection, writeRequested } from '../http/report.js'
import { percentile } from '../percentile.js'
import { jsonLines, pinned } from './processes.js'

const argv = process.argv.slice(2)
const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1'
const option = (name, fallback) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback
const numbers = (name, fallback) => option(name, fallback).split(',').filter(Boolean).map(Number)
const stores = option('stores', 'sqlite,postgres').split(',').filter(Boolean)
const subscribers = Number(option('subscribers', quick ? 100 : 1000))
const share = Number(option('share', 1))
const rate = Number(option('rate', quick ? 50 : 100))
const seconds = Number(option('seconds', quick ? 2 : 10))
const cpuSizes = numbers('cpu', quick ? '100,1000' : '1000,10000')
const memorySubs = Number(option('memory', quick ? 100 : 1000))
const withEngine = !argv.includes('--no-engine')
const write = writeRequested(argv) && !quick

if (!quick) holdBenchLock()

const ms = (value) => `${value.toFixed(value < 10 ? 2 : 1)} ms`
const count = (n) => n.toLocaleString('en')

/** A fresh database both servers of a run share, and its removal. */
function database(kind) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'weft-live-sockets-'))
    return {
      url: `sqlite:${join(dir, 'bench.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    }
  }
  const schema = `weft_bench_live_sockets_${process.pid}`
  const url = new URL(POSTGRES_URL)
  url.searchParams.set('schema', schema)
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
    },
  }
}

async function startServer(url) {
  const child = pinned(0, process.execPath, ['--expose-gc', '--import', 'tsx', 'servers/live.ts'], {
    PORT: '0',
    NODE_ENV: 'production',
    DATABASE_URL: url,
  })
  const { port } = await jsonLines(child).next()
  const http = `http://127.0.0.1:${port}`
  const call = async (path, method = 'GET') => {
    const response = await fetch(`${http}${path}`, { method })
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
    return response.json()
  }
  return { child, ws: `ws://127.0.0.1:${port}/live`, call }
}

/**
 * One run: `servers` servers on one database seeded with `docs` documents a board,
 * `subs` subscriptions over `sockets` sockets, then `writes` writes on the first server.
 */
async function run({
  kind,
  servers = 1,
  subs,
  sockets = subs,
  docs = 5,
  writes = Math.round(rate * seconds),
}) {
  const boards = Math.max(1, Math.ceil(subs / share))
  const db = database(kind)
  const started = []
  let load
  try {
    for (let i = 0; i < servers; i++) started.push(await startServer(db.url))
    const [writer] = started
    await writer.call(`/seed?boards=${boards}&docs=${docs}`, 'POST')
    load = pinned(
      1,
      process.execPath,
      ['live-load.js', sockets, subs, boards, started.map((s) => s.ws).join(',')],
      {},
      'pipe',
    )
    const lines = jsonLines(load)
    await lines.next() // opened
    const opened = await writer.call('/usage?gc=1')
    load.stdin.write('subscribe\n')
    await lines.next() // ready
    const subscribed = await writer.call('/usage?gc=1')
    const written = await writer.call(`/writes?count=${writes}&rate=${rate}&boards=${boards}`, 'POST')
    load.stdin.write(`${JSON.stringify(written.map(({ id, board }) => ({ id, board })))}\n`)
    const { arrivals, missing } = await lines.next()
    const delivered = await writer.call('/usage')
    const returned = new Map(written.map(({ id, returned }) => [id, returned]))
    const samples = arrivals
      .filter(([, at]) => Number.isFinite(at))
      .map(([id, at, server]) => ({ latency: at - returned.get(id), server }))
    return {
      samples,
      missing,
      cpuPerWrite: writes ? (delivered.cpu - subscribed.cpu) / writes : Number.NaN,
      rssPerSub: subs ? (subscribed.rss - opened.rss) / subs : Number.NaN,
      heapPerSub: subs ? (subscribed.heapUsed - opened.heapUsed) / subs : Number.NaN,
    }
  } finally {
    load?.kill('SIGKILL')
    for (const server of started) server.child.kill('SIGKILL')
    await db.drop()
  }
}

function latencyRow(label, samples, missing) {
  // An `added` may reach the client before `insertOne` has returned in the server: count 0.
  const early = samples.filter((s) => s.latency < 0).length
  const values = samples.map((s) => Math.max(0, s.latency))
  const notes = [
    `${values.length} writes`,
    ...(early ? [`${early} delivered before insertOne returned`] : []),
    ...(missing ? [`${missing} not delivered in 30 s`] : []),
  ]
  return `| ${label} | p50 ${ms(percentile(values, 50))}, p99 ${ms(percentile(values, 99))} (${notes.join(', ')}) |`
}

const rows = []
const show = (row) => {
  rows.push(row)
  console.error(row)
}
const perWrite = `${share > 1 ? `${share} a board, ` : ''}${rate} writes/s for ${seconds} s`
if (stores.includes('sqlite')) {
  const runs = new Map()
  for (const subs of [...new Set([0, subscribers, ...cpuSizes])].sort((a, b) => a - b))
    runs.set(subs, await run({ kind: 'sqlite', subs, sockets: Math.min(subs, subscribers) }))
  const latency = runs.get(subscribers)
  if (subscribers)
    show(
      latencyRow(
        `write → subscriber, ${count(subscribers)} subscribers, ${perWrite}, SQLite (file, WAL)`,
        latency.samples,
        latency.missing,
      ),
    )
  const none = runs.get(0).cpuPerWrite
  show(`| server CPU per write, no live query (SQLite) | ${none.toFixed(0)} µs |`)
  for (const subs of cpuSizes) {
    const cpu = runs.get(subs).cpuPerWrite
    show(
      `| server CPU per write, ${count(subs)} live queries (SQLite) | ${cpu.toFixed(0)} µs (${(cpu - none).toFixed(0)} µs over none) |`,
    )
  }
  const memory = await run({
    kind: 'sqlite',
    subs: memorySubs,
    sockets: Math.max(1, Math.ceil(memorySubs / 10)),
    docs: 50,
    writes: 0,
  })
  show(
    `| server memory per live subscription of 50 documents (${count(memorySubs)} subscriptions, 10 a socket) | RSS ${(memory.rssPerSub / 1024).toFixed(1)} KiB, heap ${(memory.heapPerSub / 1024).toFixed(1)} KiB |`,
  )
}
if (stores.includes('postgres')) {
  if (await postgresReachable()) {
    const { samples, missing } = await run({ kind: 'postgres', servers: 2, subs: subscribers })
    const label = `write → subscriber, ${count(subscribers)} subscribers, ${perWrite}, PostgreSQL, two servers`
    show(latencyRow(`${label} (all)`, samples, missing))
    show(
      latencyRow(
        `${label} (the subscribers on B, via LISTEN/NOTIFY)`,
        samples.filter((s) => s.server === 1),
        0,
      ),
    )
  } else console.error(`*** PostgreSQL at ${POSTGRES_URL} is not reachable: its rows are left out. ***`)
}

const table = measureTable('bench/realtime/live-sockets.js', argv, rows)
console.log(table)

if (write) {
  const engine = withEngine ? await engineTable() : ''
  const sections = [
    'Latency is from `insertOne` returning to the `added` frame reaching the last subscriber of the written board.',
    ...(engine ? ['### The engine alone (no sockets)', engine] : []),
    '### Over WebSockets (server and subscribers in separate processes)',
    table,
  ]
  updateSection('Live queries', sections.join('\n\n'))
}

/** The engine bench's table (it prints only the table on stdout). */
async function engineTable() {
  const script = fileURLToPath(new URL('live-queries.js', import.meta.url))
  const child = spawn(process.execPath, [script, `--stores=${stores.join(',')}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (chunk) => {
    out += chunk
  })
  const code = await new Promise((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`live-queries.js exited ${code}`)
  return out.slice(out.indexOf('Command:')).trim()
}
