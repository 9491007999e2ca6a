// `npm run bench:data` (from bench/, after `npm run build` at the root): Weft's data
// layer side by side with the raw drivers and in-memory peers, same documents, same
// operations. `--write` (or BENCH_WRITE=1) rewrites the tables of the "## Data" section of
// docs/benchmarks.md. BENCH_QUICK=1 for a smoke run; BENCH_DATA_DOCS, BENCH_DATA_MS tune it.

import { holdBenchLock, updateTables } from '../http/report.js'
import { mingoArray, nedb, weftMemory } from './memory.js'
import { POSTGRES_URL, postgresReachable, rawPostgres, weftPostgres } from './postgres.js'
import { rawSqlite, weftSqlite } from './sqlite.js'
import { measureGroup, OPERATION_NAMES } from './workload.js'

// Take turns with other benchmarks on this machine (see bench/README.md).
holdBenchLock()

const write = process.argv.includes('--write') || process.env.BENCH_WRITE === '1'

const groups = [{ title: 'SQLite (file, WAL, synchronous=NORMAL)', baseline: rawSqlite, weft: weftSqlite }]
if (await postgresReachable()) {
  groups.push({
    title: 'PostgreSQL (local, pg.Pool)',
    baseline: rawPostgres,
    others: [() => rawPostgres({ prepared: true })],
    weft: weftPostgres,
  })
} else {
  console.error(`*** PostgreSQL at ${POSTGRES_URL} is not reachable: its comparison is left out. ***`)
}
groups.push({ title: 'Memory', baseline: nedb, weft: weftMemory, others: [mingoArray] })

const sections = []
for (const group of groups) {
  const subjects = [group.baseline(), ...(group.others ?? []).map((make) => make()), group.weft()]
  console.error(`${group.title}: ${subjects.map((subject) => subject.name).join(', ')}...`)
  const measured = await measureGroup(subjects)
  const results = subjects.map((subject, k) => ({ name: subject.name, ops: measured[k] }))
  sections.push(table(group.title, results))
  console.log(sections.at(-1))
}

/** Two decimals, or one significant digit below 0.1 (0.004×, not 0.00×). */
function ratio(value) {
  return `${value >= 0.1 ? value.toFixed(2) : value.toPrecision(1)}×`
}

function table(title, results) {
  const weft = results.at(-1)
  const peers = results.slice(0, -1)
  const head = [
    'operation',
    ...results.map((r) => `${r.name} ops/s`),
    ...peers.map((p) => `${p.name} ÷ Weft`),
  ]
  const rows = OPERATION_NAMES.map((op) => [
    op,
    ...results.map((r) => Math.round(r.ops[op]).toLocaleString('en-US')),
    ...peers.map((p) => ratio(p.ops[op] / weft.ops[op])),
  ])
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [`### ${title}`, '', line(head), line(head.map(() => '---')), ...rows.map(line), ''].join('\n')
}

// Only the tables: the text around them says what changed and what is left, by hand.
if (write) {
  updateTables('Data', sections)
  console.error('docs/benchmarks.md: the "## Data" tables written')
}
