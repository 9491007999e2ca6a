// `npm run reliability`: the full bad-input battery on every runtime, then its table
// written into docs/reliability.md between the battery markers. Exits 1 if a case gave
// an unexpected answer or a process stopped serving.
import { readFileSync, writeFileSync } from 'node:fs'
import { findRuntimes } from '../runtimes/runtimes.mjs'
import { type BatteryRow, full, runBattery } from './battery.ts'
import { battery } from './cases/index.ts'

const docs = new URL('../../../../docs/reliability.md', import.meta.url)
const rows: BatteryRow[] = []
const ran: string[] = []
for (const runtime of findRuntimes()) {
  if (runtime.missing) {
    console.error(`!!! ${runtime.label} missing: ${runtime.missing}`)
    continue
  }
  ran.push(runtime.label)
  console.log(`== ${runtime.label}`)
  await runBattery(runtime, battery, full, (row) => {
    rows.push(row)
    const mark = row.error || !row.survived ? 'FAIL' : 'ok  '
    console.log(`${mark} ${row.group}: ${row.name} -> ${row.answer}${row.error ? `\n     ${row.error}` : ''}`)
  })
}

const mib = (bytes: number) => (bytes ? (bytes / 1048576).toFixed(0) : '-')
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')
const lines = [
  `Runtimes: ${ran.join(', ')}. Full scale: ${full.sockets} sockets for the slow-client cases.`,
  '',
  '| Runtime | Group | Case | Expected | Answer | Survived | RSS before / after (MiB) |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.runtime} | ${r.group} | ${cell(r.name)} | ${cell(r.expected)} | ${cell(r.error ? `UNEXPECTED: ${r.error.slice(0, 120)}` : r.answer)} | ${r.survived ? 'yes' : 'NO'} | ${mib(r.rssBefore)} / ${mib(r.rssAfter)} |`,
  ),
]
const text = readFileSync(docs, 'utf8')
const start = '<!-- battery:start -->'
const end = '<!-- battery:end -->'
const from = text.indexOf(start)
const to = text.indexOf(end)
if (from === -1 || to === -1) throw new Error(`docs/reliability.md has no ${start} / ${end} markers`)
writeFileSync(docs, `${text.slice(0, from + start.length)}\n${lines.join('\n')}\n${text.slice(to)}`)
const failed = rows.filter((r) => r.error || !r.survived)
console.log(`\n${rows.length} cases, ${failed.length} unexpected; table written to docs/reliability.md`)
process.exit(failed.length ? 1 : 0)
