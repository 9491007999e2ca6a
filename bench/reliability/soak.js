// The soak: the taskboard example on Node, under a fixed request rate for a fixed time,
// sampled every second: requests sent/answered, errors, p50/p99 latency (client side),
// resident memory, heap and event-loop delay (server side, sampler.js). At the end:
// memory after warm-up against the end (a leak grows), p99 per minute (it should stay
// flat) and the error count.
// Usage: node reliability/soak.js [--minutes=10] [--rate=200] [--live=50] [--calls=10]
//   [--warmup=60] [--write]
// The realtime half of the mix: `--live` clients on the live board (each subscribed to the
// tasks live query and present in the board channel), which receive every write as a
// change, and `--calls` method calls per second among them (live-clients.js).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { holdBenchLock, machineLine } from '../http/report.js'
import { percentile } from '../percentile.js'
import { writeSection } from './doc-section.js'
import { liveClients } from './live-clients.js'
import { runAtRate, send } from './load.js'
import { freePort, lastSample, waitUntilServing } from './server-process.js'

holdBenchLock()

const argv = process.argv.slice(2)
const option = (name, fallback) =>
  Number(argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
const MINUTES = option('minutes', 10)
const RATE = option('rate', 200)
const LIVE = option('live', 50)
const CALLS = option('calls', 10)
const WARMUP = Math.min(option('warmup', 60), Math.floor((MINUTES * 60) / 2))
const root = fileURLToPath(new URL('../../', import.meta.url))
const taskboard = join(root, 'examples/taskboard')

const dir = mkdtempSync(join(tmpdir(), 'weft-soak-'))
const samples = join(dir, 'samples.jsonl')
writeFileSync(samples, '')
const port = await freePort()
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--conditions=source',
    '--import',
    fileURLToPath(new URL('sampler.js', import.meta.url)),
    'src/main.ts',
  ],
  {
    cwd: taskboard,
    env: {
      ...process.env,
      PORT: String(port),
      NODE_ENV: 'production',
      DATABASE_URL: `sqlite:${join(dir, 'soak.db')}`,
      WEFT_SAMPLES: samples,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
)
try {
  await waitUntilServing(child, port, '/healthz')
  // A working set of tasks to read, patch and delete; kept at a steady size.
  const ids = []
  for (let i = 0; i < 200; i++) ids.push(await create(`seed ${i}`))
  const live = await liveClients(port, LIVE)
  const calling = CALLS > 0 ? setInterval(() => live.call(), 1000 / CALLS) : undefined
  let made = 0
  const mix = () => {
    const roll = Math.random()
    if (roll < 0.45) return { path: '/api/tasks?limit=20' }
    if (roll < 0.55) return { path: `/api/tasks/${ids[Math.floor(Math.random() * ids.length)]}` }
    if (roll < 0.65) return { path: '/api/stats', headers: { 'x-user': 'soak' } }
    // The set stays between 100 and 300 tasks: past 300 a create becomes a delete, so the
    // run measures the same work at minute 10 as at minute 1.
    if (roll < 0.8)
      return ids.length < 300
        ? { method: 'POST', path: '/api/tasks', body: { title: `task ${made++}`, tags: ['soak'] } }
        : { method: 'DELETE', path: `/api/tasks/${ids.shift()}` }
    if (roll < 0.9) {
      const id = ids[Math.floor(Math.random() * ids.length)]
      return { method: 'PATCH', path: `/api/tasks/${id}`, body: { done: Math.random() < 0.5 } }
    }
    // Delete the oldest, keep the set the same size: the database does not grow without bound.
    return ids.length > 100 ? { method: 'DELETE', path: `/api/tasks/${ids.shift()}` } : { path: '/api/tasks' }
  }
  const rows = []
  const started = Date.now()
  console.log(
    '  s   sent    ok  err  drop   p50 ms   p99 ms   RSS MiB  heap MiB  loop p99 ms  live changes  calls  call p99 ms',
  )
  await runAtRate({
    port,
    rate: RATE,
    seconds: MINUTES * 60,
    next: mix,
    onAnswer: (spec, answer) => {
      if (spec.method === 'POST' && answer.status === 201) ids.push(JSON.parse(answer.text)._id)
    },
    onSecond: (second) => {
      const sample = lastSample(samples)
      const realtime = live.take()
      const row = {
        s: Math.round((Date.now() - started) / 1000),
        sent: second.sent,
        ok: second.ok,
        errors: second.errors + realtime.callErrors,
        dropped: second.dropped,
        p50: percentile(second.latencies, 50),
        p99: percentile(second.latencies, 99),
        rss: sample?.rss ?? 0,
        heap: sample?.heap ?? 0,
        delayP99: sample?.delayP99 ?? null,
        changes: realtime.changes,
        calls: realtime.calls,
        callP99: percentile(realtime.callMs, 99),
      }
      rows.push(row)
      console.log(
        [row.s, row.sent, row.ok, row.errors, row.dropped]
          .map((v, i) => String(v).padStart(i === 0 ? 3 : 5))
          .join(' ') +
          [row.p50, row.p99].map((v) => v.toFixed(1).padStart(9)).join('') +
          [row.rss, row.heap].map((v) => (v / 1048576).toFixed(1).padStart(10)).join('') +
          String(row.delayP99 ?? '-').padStart(13) +
          String(row.changes).padStart(14) +
          String(row.calls).padStart(7) +
          row.callP99.toFixed(1).padStart(13),
      )
    },
  })
  clearInterval(calling)
  live.close()
  report(rows)
} finally {
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
  rmSync(dir, { recursive: true, force: true })
}

function report(rows) {
  const after = rows.filter((r) => r.s > WARMUP)
  const warm = after[0] ?? rows[0]
  const last = rows[rows.length - 1]
  const maxRss = Math.max(...after.map((r) => r.rss))
  const errors = rows.reduce((n, r) => n + r.errors + r.dropped, 0)
  const minutes = []
  for (let m = 0; m * 60 < rows.length; m++) {
    const slice = rows.slice(m * 60, (m + 1) * 60)
    const p99s = slice.map((r) => r.p99).sort((a, b) => a - b)
    const loop = slice.map((r) => r.delayP99 ?? 0).sort((a, b) => a - b)
    const callP99s = slice.map((r) => r.callP99).sort((a, b) => a - b)
    const changes = slice.reduce((n, r) => n + r.changes, 0)
    minutes.push(
      `| ${m + 1} | ${percentile(p99s, 50).toFixed(1)} | ${(Math.max(...slice.map((r) => r.rss)) / 1048576).toFixed(0)} | ${percentile(loop, 50)} | ${changes} | ${percentile(callP99s, 50).toFixed(1)} |`,
    )
  }
  const growth = ((last.rss - warm.rss) / warm.rss) * 100
  const lines = [
    `Soak: ${MINUTES} min at ${RATE} req/s on the taskboard (SQLite), with ${LIVE} live-board clients and ${CALLS} method calls/s among them, Node ${process.versions.node}; warm-up ${WARMUP} s.`,
    machineLine(),
    `RSS after warm-up ${(warm.rss / 1048576).toFixed(1)} MiB, at the end ${(last.rss / 1048576).toFixed(1)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %), peak ${(maxRss / 1048576).toFixed(1)} MiB; errors and dropped: ${errors}.`,
    '',
    '| Minute | median of per-second p99 (ms) | peak RSS (MiB) | median event-loop delay p99 (ms) | live changes received | median of per-second method p99 (ms) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...minutes,
  ]
  console.log(`\n${lines.join('\n')}`)
  if (argv.includes('--write')) writeSection('soak', lines)
  if (errors > 0) process.exitCode = 1
}

async function create(title) {
  const answer = await send(undefined, port, { method: 'POST', path: '/api/tasks', body: { title } })
  if (answer.status !== 201) throw new Error(`could not seed: ${answer.status} ${answer.text}`)
  return JSON.parse(answer.text)._id
}
