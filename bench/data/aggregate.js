// `npm run bench:aggregate` (from bench/, after `npm run build` at the root): Weft's
// aggregation pipelines and populate against the raw drivers doing the same work with
// hand-written SQL (SQLite, PostgreSQL), and Weft's memory store against mingo's
// aggregator over plain arrays. The same orders and users go into both sides; each
// answer is compared once before timing. `--write` (or BENCH_WRITE=1) rewrites the tables
// under "### Aggregation and populate" in docs/benchmarks.md. BENCH_QUICK=1 for a smoke
// run; BENCH_AGG_ORDERS (a multiple of 100) and BENCH_DATA_MS tune it.

import { Aggregator, Query } from 'mingo'
import { connect } from 'weftjs/data'
import { holdBenchLock, updateTables } from '../http/report.js'
import { aggregatePostgres } from './aggregate-postgres.js'
import { aggregateSqlite } from './aggregate-sqlite.js'
import { POSTGRES_URL, postgresReachable } from './postgres.js'
import { OP_MS, sequence, timeInterleaved } from './workload.js'

holdBenchLock()

const write = process.argv.includes('--write') || process.env.BENCH_WRITE === '1'
const ORDERS = Number(process.env.BENCH_AGG_ORDERS ?? (process.env.BENCH_QUICK ? 5000 : 50_000))
const USERS = ORDERS / 10
const DAYS = ORDERS / 100
const REGIONS = 20
const STATUSES = ['paid', 'open', 'shipped', 'cancelled']

/** User i: every user has ten orders in a row, so the 100 orders of a day have 100 users. */
function userDoc(i) {
  return { _id: `u${String(i).padStart(6, '0')}`, name: `User ${i}`, email: `user${i}@example.com` }
}

/** Order i: a day holds 100 orders, a region ORDERS / 20; totals and quantities are whole numbers. */
function orderDoc(i) {
  return {
    _id: `o${String(i).padStart(7, '0')}`,
    userId: userDoc(Math.floor(i / 10))._id,
    day: i % DAYS,
    region: `r${(i * 7) % REGIONS}`,
    status: STATUSES[Math.floor(i / REGIONS) % STATUSES.length],
    total: 1 + ((i * 37) % 500),
    items: Array.from({ length: 1 + (i % 3) }, (_, k) => ({
      sku: `s${(i * 13 + k * 17) % 100}`,
      qty: 1 + ((i + k) % 5),
    })),
  }
}

/**
 * Each operation as Weft runs it (a pipeline, or a find with populate); every store has a
 * raw version of each under `key`. `arg` turns the timing loop's number into the query's
 * parameter; `ordered` when the answer's order is part of it.
 */
const OPERATIONS = [
  {
    key: 'matchGroup',
    name: '`$match` region (indexed) → `$group` by status: `$sum`, `$avg`',
    arg: (n) => `r${n % REGIONS}`,
    pipeline: (region) => [
      { $match: { region } },
      {
        $group: {
          _id: '$status',
          orders: { $sum: 1 },
          revenue: { $sum: '$total' },
          average: { $avg: '$total' },
        },
      },
    ],
  },
  {
    key: 'topSpenders',
    name: '`$group` by user over all orders: `$sum` → `$sort` → `$limit` 10',
    arg: () => null,
    ordered: true,
    pipeline: () => [
      { $group: { _id: '$userId', spent: { $sum: '$total' } } },
      { $sort: { spent: -1, _id: 1 } },
      { $limit: 10 },
    ],
  },
  {
    key: 'unwindGroup',
    name: '`$match` region → `$unwind` items → `$group` by sku: `$sum`',
    arg: (n) => `r${n % REGIONS}`,
    pipeline: (region) => [
      { $match: { region } },
      { $unwind: '$items' },
      { $group: { _id: '$items.sku', qty: { $sum: '$items.qty' } } },
    ],
  },
  {
    key: 'lookup',
    name: '`$match` day (indexed) → `$limit` 100 → `$lookup` user',
    arg: (n) => n % DAYS,
    pipeline: (day) => [
      { $match: { day } },
      { $limit: 100 },
      { $lookup: { from: 'users', localField: 'userId', foreignField: '_id', as: 'user' } },
    ],
  },
  {
    key: 'populate',
    name: "`find({ day }, { limit: 100, populate: ['userId'] })`",
    arg: (n) => n % DAYS,
    find: (day) => [{ day }, { limit: 100, populate: ['userId'] }],
  },
]

async function openWeft(url) {
  const db = await connect(url)
  const orders = db.collection('orders', undefined, { refs: { userId: 'users' } })
  await orders.createIndex({ region: 1 })
  await orders.createIndex({ day: 1 })
  return { db, orders, users: db.collection('users') }
}

function runWeft(weft, op, arg) {
  if (op.pipeline) return weft.orders.aggregate(op.pipeline(arg)).toArray()
  return weft.orders.find(...op.find(arg)).toArray()
}

/** The memory peer: mingo's Aggregator over plain arrays (no indexes), the same pipelines. */
function mingoArrays() {
  const arrays = { orders: [], users: [] }
  const options = { collectionResolver: (name) => arrays[name] }
  // Two finds, as populate does; the stored orders are copied, never changed.
  function populate(day) {
    const orders = new Query({ day }).find(arrays.orders).limit(100).all()
    const ids = [...new Set(orders.map((order) => order.userId))]
    const users = new Map(
      new Query({ _id: { $in: ids } })
        .find(arrays.users)
        .all()
        .map((user) => [user._id, user]),
    )
    return orders.map((order) => ({ ...order, userId: users.get(order.userId) ?? null }))
  }
  const raw = { populate }
  for (const op of OPERATIONS.filter((op) => op.pipeline))
    raw[op.key] = (arg) => new Aggregator(op.pipeline(arg), options).run(arrays.orders)
  return {
    title: 'Memory',
    name: 'mingo (array, no index)',
    peer: 'mingo',
    weftUrl: 'memory:',
    async open() {},
    async insert(table, docs) {
      arrays[table].push(...structuredClone(docs))
    },
    raw,
    async close() {},
  }
}

/** Key order (JSONB sorts keys) and the last bits of a float average aside, the same value. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical)
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical(value[key])]),
    )
  return typeof value === 'number' ? Number(value.toPrecision(12)) : value
}

/** Same answers from both, or the comparison means nothing. */
function sameAnswer(weft, raw, op, peer) {
  const key = (answer) => {
    const docs = answer.map((doc) => JSON.stringify(canonical(doc)))
    return JSON.stringify(op.ordered ? docs : docs.sort())
  }
  if (weft.length === 0) throw new Error(`"${op.name}" found nothing; the workload is wrong`)
  if (key(weft) !== key(raw)) throw new Error(`"${op.name}": Weft and ${peer} disagree`)
}

async function load(store, weft) {
  for (const [table, count, make] of [
    ['users', USERS, userDoc],
    ['orders', ORDERS, orderDoc],
  ]) {
    for (let i = 0; i < count; i += 1000) {
      const batch = []
      for (let j = i; j < Math.min(i + 1000, count); j++) batch.push(make(j))
      await weft[table].insertMany(structuredClone(batch))
      await store.insert(table, batch)
    }
  }
  await store.analyze?.()
}

async function measureStore(store) {
  console.error(`${store.title}: loading ${ORDERS.toLocaleString('en-US')} orders...`)
  await store.open()
  const weft = await openWeft(store.weftUrl)
  const rows = []
  try {
    await load(store, weft)
    for (const op of OPERATIONS) {
      const runs = [(n) => store.raw[op.key](op.arg(n)), (n) => runWeft(weft, op, op.arg(n))]
      const checks = sequence(7)
      for (let k = 0; k < 3; k++) {
        const n = checks.next().value
        sameAnswer(await runs[1](n), await runs[0](n), op, store.name)
      }
      // Warm-up, then interleaved turns.
      for (const run of runs) {
        const until = performance.now() + Math.min(300, OP_MS / 4)
        while (performance.now() < until) await run(checks.next().value)
      }
      const [raw, weftRate] = await timeInterleaved(runs, { batch: 1 })
      rows.push({ name: op.name, raw: 1000 / raw, weft: 1000 / weftRate })
      console.error(
        `  ${op.name}: ${store.name} ${(1000 / raw).toFixed(3)} ms, Weft ${(1000 / weftRate).toFixed(3)} ms`,
      )
    }
  } finally {
    await weft.db.close()
    await store.close()
  }
  return table(store, rows)
}

function table(store, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  const head = ['operation', `${store.name} ms`, 'Weft ms', `Weft ÷ ${store.peer ?? 'raw'}`]
  const body = rows.map((row) =>
    line([row.name, row.raw.toFixed(3), row.weft.toFixed(3), `${(row.weft / row.raw).toFixed(2)}×`]),
  )
  return [`#### ${store.title}`, '', line(head), line(head.map(() => '---')), ...body, ''].join('\n')
}

const stores = [aggregateSqlite()]
if (await postgresReachable()) stores.push(aggregatePostgres())
else console.error(`*** PostgreSQL at ${POSTGRES_URL} is not reachable: its comparison is left out. ***`)
stores.push(mingoArrays())

const sections = []
for (const store of stores) {
  sections.push(await measureStore(store))
  console.log(sections.at(-1))
}

// Only the tables: the text around them says what each row does, by hand.
if (write) {
  updateTables('Data', sections)
  console.error('docs/benchmarks.md: the "### Aggregation and populate" tables written')
}
