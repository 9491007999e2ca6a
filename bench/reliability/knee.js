// The saturation knee per runtime: the same small Weft app (runtimes/servers/weft.ts,
// JSON `GET /users/:id`) under rising fixed rates, each for a few seconds. The knee is
// the last rate the server keeps up with: at least 95 % answered on time, no errors and
// p99 under --p99 ms. Event-loop delay and memory come from sampler.js on Node and Bun;
// Deno has no preload flag, so its columns show "-".
// Usage: node reliability/knee.js [--runtimes=node,node24,deno,bun] [--seconds=10]
//        [--rates=500,1000,2000,4000,8000,16000] [--p99=50] [--write]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findRuntimes } from '../../packages/weft/test/runtimes/runtimes.mjs'
import { holdBenchLock, machineLine } from '../http/report.js'
import { percentile } from '../percentile.js'
import { writeSection } from './doc-section.js'
import { runAtRate } from './load.js'
import { freePort, lastSample, waitUntilServing } from './server-process.js'

holdBenchLock()

const argv = process.argv.slice(2)
const option = (name, fallback) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback
const SECONDS = Number(option('seconds', 10))
const RATES = option('rates', '500,1000,2000,4000,8000,16000').split(',').map(Number)
const P99_LIMIT = Number(option('p99', 50))
const wanted = option('runtimes', 'node,node24,deno,bun').split(',')
const server = fileURLToPath(new URL('../runtimes/servers/weft.ts', import.meta.url))
const sampler = fileURLToPath(new URL('sampler.js', import.meta.url))

const lines = [
  `Knee: rising fixed rates, ${SECONDS} s each, JSON \`GET /users/:id\`; kept up = 95 % answered, no errors, p99 < ${P99_LIMIT} ms.`,
  '',
  '| Runtime | Rate (req/s) | Answered/s | p99 (ms) | Errors | Event-loop delay p99 (ms) | RSS (MiB) | Kept up |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
]
const knees = []
for (const runtime of findRuntimes().filter((r) => wanted.includes(r.name))) {
  if (runtime.missing) {
    console.error(`!!! skipping ${runtime.label}: ${runtime.missing}`)
    continue
  }
  const dir = mkdtempSync(join(tmpdir(), 'weft-knee-'))
  const samples = join(dir, 'samples.jsonl')
  writeFileSync(samples, '')
  const port = await freePort()
  const args = [...(runtime.args ?? [])]
  if (runtime.name.startsWith('node')) args.push('--import', sampler)
  if (runtime.name === 'bun') args.push('--preload', sampler)
  const child = spawn(runtime.bin, [...args, server], {
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production', WEFT_SAMPLES: samples },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  let knee = 0
  try {
    await waitUntilServing(child, port, '/')
    // Warm-up at the first rate, so the first step does not measure the JIT.
    await runAtRate({ port, rate: RATES[0], seconds: 3, next: () => ({ path: '/users/42' }) })
    for (const rate of RATES) {
      let answered = 0
      let errors = 0
      const latencies = []
      await runAtRate({
        port,
        rate,
        seconds: SECONDS,
        next: () => ({ path: '/users/42' }),
        onSecond: (second) => {
          answered += second.ok
          errors += second.errors + second.dropped
          latencies.push(...second.latencies)
        },
      })
      latencies.sort((a, b) => a - b)
      const sample = lastSample(samples)
      const p99 = percentile(latencies, 99)
      const perSecond = answered / SECONDS
      const keptUp = perSecond >= rate * 0.95 && errors === 0 && p99 < P99_LIMIT
      if (keptUp) knee = rate
      const row = `| ${runtime.label} | ${rate} | ${perSecond.toFixed(0)} | ${p99.toFixed(1)} | ${errors} | ${sample?.delayP99 ?? '-'} | ${sample ? (sample.rss / 1048576).toFixed(0) : '-'} | ${keptUp ? 'yes' : 'no'} |`
      console.log(row)
      lines.push(row)
      if (!keptUp) break
    }
  } finally {
    child.kill('SIGKILL')
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()))
    rmSync(dir, { recursive: true, force: true })
  }
  knees.push(`${runtime.label}: ${knee || `below ${RATES[0]}`} req/s`)
}
lines.push('', `Knee (last rate kept up): ${knees.join('; ')}.`, machineLine())
console.log(`\n${lines.join('\n')}`)
if (argv.includes('--write')) writeSection('knee', lines)
