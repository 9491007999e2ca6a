// `node data/growth.js` (from bench/, after `npm run build` at the root): how query cost
// grows with the collection. The same documents { _id, age, city, score } go into Weft and
// into a raw table of the same layout; at each size the same queries run on both and the
// table reports milliseconds per query and Weft ÷ raw. An indexed query should cost what
// its result costs, whatever the collection's size; `--write` (or BENCH_WRITE=1) rewrites
// the "## Data at scale" section of docs/benchmarks.md.
//
// Sizes: BENCH_GROWTH_SIZES (default 10000,100000,1000000 for SQLite; PostgreSQL stops at
// BENCH_GROWTH_PG_MAX, default 100000, to keep the run bounded). BENCH_QUICK=1: 2000,20000.

import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { holdBenchLock } from '../http/report.js'
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
const QUERY_MS = Number(process.env.BENCH_GROWTH_MS ?? (quick ? 150 : 1000))

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

/** Median milliseconds per call of `run`, over short interleaved turns. */
async function timeQuery(run) {
  await run()
  const samples = []
  const until = performance.now() + QUERY_MS
  while (performance.now() < until || samples.length < 5) {
    const started = performance.now()
    await run()
    samples.push(performance.now() - started)
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)]
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
        const weft = await timeQuery(() => query.weft(subject.docs))
        const raw = await timeQuery(() => subject.raw[k]())
        rows.push({ size, query: query.name, weft, raw })
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
      `${(row.weft / row.raw).toFixed(2)}×`,
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

if (write) {
  const path = new URL('../../docs/benchmarks.md', import.meta.url)
  let doc = readFileSync(path, 'utf8')
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const section = [
    '## Data at scale',
    '',
    'Command: `npm run build && cd bench && node data/growth.js --write`.',
    `Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}.`,
    'Documents `{ _id, age, city, score }` (100 cities), `createIndex({ city: 1 })`; the raw side is the same',
    'layout (a JSON column, the same expression index) queried with hand-written SQL. Median time per query;',
    '"Weft ÷ raw" above 1 means Weft is slower. The goal: indexed queries within 1.5× raw at every size,',
    'scans within 2×.',
    '',
    'Where the time went on PostgreSQL, and what changed: a find that reads every candidate (an unindexed',
    'filter; here the sort + limit) tests each path several times (the filter, the array and number checks,',
    "the sort key), and PostgreSQL extracts `doc #> '{path}'` anew for each test; those extractions cost more",
    'than the scan. When no index serves the filter, the statement now reads from a subquery that extracts',
    'each path once (`doc -> \'age\' AS "doc.age"`, kept apart by `OFFSET 0`); a closing `_id` is checked by a',
    'few string scans instead of a regular expression and ordered as stored, without a trimmed copy per row.',
    'A find reads only the document and its insertion order (not the key and row version a write needs), and',
    'an indexed find checks for arrays in its WHERE clause instead of a joined probe column.',
    '`cursor.explain()` shows these statements.',
    '',
    'What is left on the scan is the price of exact answers. Of the 4 ms the 10,000-document scan spends',
    'over the hand-written SQL (server time), about 1.7 ms go to checking each candidate (no array on the',
    'filter and sort paths, a number as sort key, an `_id` that orders as stored), about 1.4 ms to the typed',
    'filter (two JSONB comparisons: the bound, and the fence that keeps booleans, arrays and objects out,',
    'which JSONB orders above numbers), the rest to ordering JSONB values; the hand-written SQL checks no',
    'type. At 100,000 documents the server times are within 1.2× of each other, as they are for the indexed',
    'query with a second condition; there most of the rest is the sort into insertion order, which the',
    'hand-written SQL skips and which keeps PostgreSQL from sending rows before it has read them all. Tried',
    'and measured, and left out: ordering by a numeric copy of the sort key (no faster; a `float8` copy would',
    'also fail on ±Infinity, stored as ±1e999); a plain statement without the subquery, which PostgreSQL may',
    'run with a parallel worker (slower on this 2-core machine: the repeated extractions cost more than the',
    'worker saves); a numeric filter behind a type test (5% on the filter); splitting the indexed query into',
    'its index part and the rest (under 10% of server time, within the noise).',
    '',
    ...sections,
  ].join('\n')
  const start = doc.indexOf('\n## Data at scale')
  if (start === -1) doc = `${doc.trimEnd()}\n\n${section}`
  else {
    const next = doc.indexOf('\n## ', start + 1)
    doc = `${doc.slice(0, start)}\n${section}${next === -1 ? '' : `\n${doc.slice(next)}`}`
  }
  writeFileSync(path, doc.endsWith('\n') ? doc : `${doc}\n`)
  console.error('docs/benchmarks.md: "## Data at scale" section written')
}
