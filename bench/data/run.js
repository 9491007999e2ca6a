// `npm run bench:data` (from bench/, after `npm run build` at the root): Weft's data
// layer side by side with the raw drivers and in-memory peers, same documents, same
// operations. `--write` (or BENCH_WRITE=1) rewrites the "## Data" section of
// docs/benchmarks.md. BENCH_QUICK=1 for a smoke run; BENCH_DATA_DOCS, BENCH_DATA_MS tune it.

import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { holdBenchLock } from '../http/report.js'
import { mingoArray, nedb, weftMemory } from './memory.js'
import { POSTGRES_URL, postgresReachable, rawPostgres, weftPostgres } from './postgres.js'
import { rawSqlite, weftSqlite } from './sqlite.js'
import { DOCS, measureGroup, OP_MS, OPERATION_NAMES } from './workload.js'

// Take turns with other benchmarks on this machine (see bench/README.md).
holdBenchLock()

const write = process.argv.includes('--write') || process.env.BENCH_WRITE === '1'

const groups = [{ title: 'SQLite (file, WAL, synchronous=NORMAL)', baseline: rawSqlite, weft: weftSqlite }]
if (await postgresReachable()) {
  groups.push({ title: 'PostgreSQL (local, pg.Pool)', baseline: rawPostgres, weft: weftPostgres })
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
    ...peers.map((p) => `${(p.ops[op] / weft.ops[op]).toFixed(2)}×`),
  ])
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [`### ${title}`, '', line(head), line(head.map(() => '---')), ...rows.map(line), ''].join('\n')
}

if (write) {
  const path = new URL('../../docs/benchmarks.md', import.meta.url)
  let doc
  try {
    doc = readFileSync(path, 'utf8')
  } catch {
    doc = '# Benchmarks\n'
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const section = [
    '## Data',
    '',
    'Command: `npm run build && cd bench && node data/run.js --write` (or `npm run bench:data`).',
    `Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}; ${DOCS.toLocaleString('en-US')} documents,`,
    `${OP_MS} ms per operation and subject after a warm-up, in interleaved turns, one operation at a time. "÷ Weft" is the peer's ops/s`,
    "divided by Weft's: above 1 the peer is faster. Operations: insertMany in batches of 1000;",
    '`find({ email })` on an indexed field; `find({ age: { $gte, $lt } }, { sort: { age: -1 }, limit: 10 })`',
    'on an indexed field; `updateOne({ _id }, { $inc: { score: 1 } })`.',
    '',
    ...sections,
  ].join('\n')
  const start = doc.indexOf('\n## Data')
  if (start === -1) doc = `${doc.trimEnd()}\n\n${section}`
  else {
    const next = doc.indexOf('\n## ', start + 1)
    doc = `${doc.slice(0, start)}\n${section}${next === -1 ? '' : `\n${doc.slice(next)}`}`
  }
  writeFileSync(path, doc.endsWith('\n') ? doc : `${doc}\n`)
  console.error('docs/benchmarks.md: "## Data" section written')
}
