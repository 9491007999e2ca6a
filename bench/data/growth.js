// `node data/growth.js` (from bench/, after `npm run build` at the root): how query cost
// grows with the collection. The same documents { _id, age, city, score } go into Weft and
// into a raw table of the same layout; at each size the same queries run on both and the
// table reports milliseconds per query and Weft ÷ raw. An indexed query should cost what
// its result costs, whatever the collection's size; `--write` (or BENCH_WRITE=1) rewrites
// the tables of the "## Data at scale" section of docs/benchmarks.md.
//
// Sizes: BENCH_GROWTH_SIZES (default 10000,100000,1000000 for SQLite; PostgreSQL stops at
// BENCH_GROWTH_PG_MAX, default 100000, to keep the run bounded). BENCH_QUICK=1: 2000,20000.

import os from 'node:os'
import { holdBenchLock, updateTables } from '../http/report.js'
import { growthPostgres } from './growth-postgres.js'
import { growthSqlite } from './growth-sqlite.js'
import { postgresReachable } from './postgres.js'

holdBenchLock()

const write = process.argv.includes('--write') || process.env.BENCH_WRITE === '1'
const quick = Boolean(process.env.BENCH_QUICK)
const SIZES = (process.env.BENCH_GROWTH_SIZES ?? (quick ? '2000,20000' : '10000,100000,1000000'))
  .split(',')
  .map(Number)
const PG_MAX = Number(process.env.BENCH_GROWTH_PG_MAX ?? (quick ? 20000 : 100000))
const QUERY_MS = Number(process.env.BENCH_GROWTH_MS ?? (quick ? 150 : 2000))

/** Document i: 100 cities, scores 0-999, ages 0-99, spread so no field follows insertion order. */
export function growthDoc(i) {
  return {
    _id: `d${String(i).padStart(8, '0')}`,
    age: (i * 37) % 100,
    city: `c${(i * 7919) % 100}`,
    score: (i * 104729) % 1000,
  }
}

/** The queries, as Weft calls them; each subject also has a raw SQL version of each. */
export const QUERIES = [
  { name: "find({ city: 'c42' }) — indexed", weft: (docs) => docs.find({ city: 'c42' }).toArray() },
  {
    name: "find({ city: 'c42', score: { $gt: 500 } }) — indexed + 1 condition",
    weft: (docs) => docs.find({ city: 'c42', score: { $gt: 500 } }).toArray(),
  },
  {
    name: 'find({ age: { $gte: 50 } }, sort { score: -1, _id: 1 }, limit 10) — no index',
    weft: (docs) => docs.find({ age: { $gte: 50 } }, { sort: { score: -1, _id: 1 }, limit: 10 }).toArray(),
  },
  {
    name: "countDocuments({ city: 'c42', score: { $gt: 500 } })",
    weft: (docs) => docs.countDocuments({ city: 'c42', score: { $gt: 500 } }),
  },
]

const TURNS = 10

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/**
 * One turn of `run` for `ms`: milliseconds per call. `cpu`: the mean CPU time of this
 * process per call (SQLite runs in it, synchronously: CPU time hardly moves with what else
 * the machine does); else the median wall time per call (PostgreSQL works in a server).
 */
async function turn(run, ms, cpu) {
  const samples = []
  const started = cpu ? process.cpuUsage() : null
  const until = performance.now() + ms
  do {
    const at = performance.now()
    await run()
    samples.push(performance.now() - at)
  } while (performance.now() < until)
  if (!cpu) return median(samples)
  const used = process.cpuUsage(started)
  return (used.user + used.system) / 1000 / samples.length
}

/**
 * Milliseconds per call of Weft and of raw SQL (medians over the turns), and Weft ÷ raw as
 * the median of each turn's ratio: the sides alternate in short turns, so load that comes
 * and goes lands on both sides of a turn alike, and one slow turn moves no figure.
 */
async function timeSides(weft, raw, cpu) {
  const times = [[], []]
  await weft()
  await raw()
  for (let i = 0; i < TURNS; i++) {
    for (const [side, run] of [weft, raw].entries()) times[side].push(await turn(run, QUERY_MS / TURNS, cpu))
  }
  const ratios = times[0].map((time, i) => time / times[1][i])
  return { weft: median(times[0]), raw: median(times[1]), ratio: median(ratios) }
}

/** Same answers from both, or the comparison means nothing. */
function sameAnswer(a, b, what) {
  const key = (value) => JSON.stringify(Array.isArray(value) ? value.map((doc) => doc._id) : value)
  if (key(a) !== key(b)) throw new Error(`${what}: Weft and raw SQL disagree`)
}

async function measureStore(title, subject, sizes) {
  const rows = []
  await subject.open()
  let loaded = 0
  try {
    for (const size of sizes) {
      console.error(`${title}: loading ${size.toLocaleString('en-US')} documents...`)
      for (let i = loaded; i < size; i += 1000) {
        const batch = []
        for (let j = i; j < Math.min(i + 1000, size); j++) batch.push(growthDoc(j))
        await subject.insert(batch)
      }
      loaded = size
      await subject.analyze?.()
      for (const [k, query] of QUERIES.entries()) {
        sameAnswer(await query.weft(subject.docs), await subject.raw[k](), query.name)
        const weftSide = () => query.weft(subject.docs)
        const timed = await timeSides(weftSide, () => subject.raw[k](), subject.cpuTimed)
        const { weft, raw } = timed
        rows.push({ size, query: query.name, ...timed })
        console.error(`  ${size} ${query.name}: Weft ${weft.toFixed(3)} ms, raw ${raw.toFixed(3)} ms`)
      }
    }
  } finally {
    await subject.close()
  }
  return table(title, rows)
}

function table(title, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  const head = ['query', 'documents', 'Weft ms', 'raw SQL ms', 'Weft ÷ raw']
  const body = rows.map((row) =>
    line([
      row.query,
      row.size.toLocaleString('en-US'),
      row.weft.toFixed(3),
      row.raw.toFixed(3),
      `${row.ratio.toFixed(2)}×`,
    ]),
  )
  return [`### ${title}`, '', line(head), line(head.map(() => '---')), ...body, ''].join('\n')
}

const sections = [await measureStore('SQLite (file, WAL)', growthSqlite(), SIZES)]
console.log(sections.at(-1))
if (await postgresReachable()) {
  sections.push(
    await measureStore(
      'PostgreSQL (local)',
      growthPostgres(),
      SIZES.filter((n) => n <= PG_MAX),
    ),
  )
  console.log(sections.at(-1))
} else {
  console.error('*** PostgreSQL is not reachable: its rows are left out. ***')
}

// Only the tables and the machine line: the text around them says what changed and what
// is left, by hand.
if (write) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const machine = `Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}.`
  updateTables('Data at scale', sections, machine)
  console.error('docs/benchmarks.md: the "## Data at scale" tables written')
}
