// A paired check of one data operation on a loaded machine: Weft against the raw driver
// in the same process and the same run, measured in CPU time (user + system) rather than
// wall time, since both sides run inside this process and CPU time barely moves with what
// else the machine runs. For before/after comparisons of a change; the published figures
// come from `data/run.js` on a quiet machine.
//
//   npm run build && cd bench && node data/cpu-pair.js update   # or find, range
//   node data/cpu-pair.js find postgres   # PostgreSQL: raw `pg` with prepared statements
//
// On PostgreSQL the server's share of a call is not in this process's CPU time, so the
// wall time per operation is printed too. BENCH_PAIR_DOCS (default 20 000) documents,
// BENCH_PAIR_OPS (5 000) operations per turn, 6 alternating turns per side, the first of
// each dropped as a warm-up.

import { rawPostgres, weftPostgres } from './postgres.js'
import { rawSqlite, weftSqlite } from './sqlite.js'
import { makeDoc } from './workload.js'

const DOCS = Number(process.env.BENCH_PAIR_DOCS ?? 20_000)
const OPS = Number(process.env.BENCH_PAIR_OPS ?? 5_000)
const TURNS = 6

const operations = {
  find: (subject, n) => subject.findByEmail(`user${n % DOCS}@example.com`),
  range: (subject, n) => subject.rangeTop(n % 95, (n % 95) + 5),
  update: (subject, n) => subject.incScore(`u${n % DOCS}`),
}
const name = process.argv[2] ?? 'find'
const operation = operations[name]
if (!operation) throw new Error(`Unknown operation "${name}": use ${Object.keys(operations).join(', ')}.`)

const store = process.argv[3] ?? 'sqlite'
if (store !== 'sqlite' && store !== 'postgres')
  throw new Error(`Unknown store "${store}": use sqlite or postgres.`)
const subjects =
  store === 'postgres' ? [rawPostgres({ prepared: true }), weftPostgres()] : [rawSqlite(), weftSqlite()]
for (const subject of subjects) await subject.open()
for (let i = 0; i < DOCS; i += 1000) {
  const docs = []
  for (let j = i; j < Math.min(i + 1000, DOCS); j++) docs.push(makeDoc(j))
  for (const subject of subjects) await subject.insertMany(structuredClone(docs))
}
await Promise.all(subjects.map((subject) => subject.afterInsert?.()))
const cpuMs = subjects.map(() => 0)
const wallMs = subjects.map(() => 0)
for (let turn = 0; turn < TURNS; turn++) {
  for (const [k, subject] of subjects.entries()) {
    const started = process.cpuUsage()
    const began = performance.now()
    for (let n = 0; n < OPS; n++) await operation(subject, n * 7919)
    const used = process.cpuUsage(started)
    if (turn > 0) {
      cpuMs[k] += (used.user + used.system) / 1000
      wallMs[k] += performance.now() - began
    }
  }
}
const perOp = (ms) => ms.map((total) => (total * 1000) / (OPS * (TURNS - 1)))
const [cpu, wall] = [perOp(cpuMs), perOp(wallMs)]
console.log(
  `${name} (${store}): raw ${cpu[0].toFixed(2)} µs CPU/op, Weft ${cpu[1].toFixed(2)} µs CPU/op, Weft ÷ raw ${(cpu[1] / cpu[0]).toFixed(2)}×`,
)
if (store === 'postgres')
  console.log(
    `${name} (${store}): raw ${wall[0].toFixed(1)} µs/op, Weft ${wall[1].toFixed(1)} µs/op wall time, Weft ÷ raw ${(wall[1] / wall[0]).toFixed(2)}×`,
  )
for (const subject of subjects) await subject.close()
