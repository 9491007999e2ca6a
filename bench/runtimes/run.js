// HTTP on Deno and Bun: Weft against the raw runtime server and the frameworks written for
// that runtime (Hono on both, Elysia on Bun). Each server runs in turn, interleaved by round,
// pinned to core 0 with the load generator (wrk) on core 1.
// Usage: node runtimes/run.js [--write] [--runtimes=deno,bun] [--rounds=3] [--seconds=5]
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { findRuntimes } from '../../packages/weft/test/runtimes/runtimes.mjs'
import { machineLine, median, packageVersion, updateSection, writeRequested } from '../http/report.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const servers = `${here}servers/`

const SCENARIOS = [
  { id: 'text', title: 'text `GET /`', path: '/', check: (r) => r.text === 'Hello World' },
  { id: 'json', title: 'JSON `GET /json`', path: '/json', check: (r) => r.json?.hello === 'world' },
  { id: 'param', title: 'param `GET /users/:id`', path: '/users/42', check: (r) => r.json?.id === '42' },
]

/** Per runtime: the servers compared, the first is the raw baseline, `peer` the goal's rival. */
const MATRIX = {
  deno: {
    title: 'Deno',
    peers: [
      { id: 'raw', name: 'Deno.serve', file: 'raw.ts' },
      { id: 'weft', name: 'Weft', file: 'weft.ts', pkg: 'weftjs' },
      { id: 'hono', name: 'Hono', file: 'hono.ts', pkg: 'hono' },
    ],
    rivals: ['hono'],
  },
  bun: {
    title: 'Bun',
    peers: [
      { id: 'raw', name: 'Bun.serve', file: 'raw.ts' },
      { id: 'weft', name: 'Weft', file: 'weft.ts', pkg: 'weftjs' },
      { id: 'hono', name: 'Hono', file: 'hono.ts', pkg: 'hono' },
      { id: 'elysia', name: 'Elysia', file: 'elysia.ts', pkg: 'elysia' },
    ],
    rivals: ['hono', 'elysia'],
  },
}

const argv = process.argv.slice(2)
const option = (name, fallback) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback
const ROUNDS = Number(option('rounds', process.env.BENCH_ROUNDS ?? 3))
const SECONDS = Number(option('seconds', process.env.BENCH_SECONDS ?? 5))
const WARMUP = 1
// Linux reports process CPU time in clock ticks, 100 a second on every usual kernel.
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100
const CONNECTIONS = 100
const pin = availableParallelism() >= 2 && !spawnSync('taskset', ['-c', '0', 'true']).error
const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' })
if (wrk.error) {
  console.error('wrk is needed for the runtime benchmarks: apt-get install -y wrk')
  process.exit(1)
}
const wrkVersion = (wrk.stdout + wrk.stderr).match(/wrk (?:\S*\/)?(\d[\w.]*)/)?.[1] ?? ''

const wanted = option('runtimes', 'deno,bun').split(',')
const available = findRuntimes({ install: false })
let port = 3400

for (const name of wanted) {
  const runtime = available.find((r) => r.name === name)
  const setup = MATRIX[name]
  if (!setup) throw new Error(`no benchmark matrix for ${name}`)
  if (!runtime || runtime.missing) {
    console.error(`${name} is missing: ${runtime?.missing}`)
    process.exitCode = 1
    continue
  }
  const samples = {} // samples[peer][scenario] = [{ rps, p99 }]
  for (let round = 1; round <= ROUNDS; round++) {
    // Rotate the order each round so no server always runs first (or last, on a warm machine).
    const order = setup.peers.map((_, i) => setup.peers[(i + round - 1) % setup.peers.length])
    for (const peer of order) {
      const server = await start(runtime, peer, port++)
      try {
        for (const scenario of SCENARIOS) {
          const answer = await get(server.port, scenario.path)
          if (!scenario.check(answer))
            throw new Error(`${peer.name} answered ${scenario.path} wrongly: ${answer.text}`)
          await load(server.port, scenario.path, WARMUP).catch(() => {})
          const result = await measure(server.port, scenario.path, server.child.pid)
          ;((samples[peer.id] ??= {})[scenario.id] ??= []).push(result)
          console.log(
            `${setup.title} round ${round}: ${peer.name.padEnd(10)} ${scenario.id.padEnd(5)} ${Math.round(result.rps)} req/s, p99 ${result.p99.toFixed(2)} ms, ${result.cpu?.toFixed(2)} µs CPU/request`,
          )
        }
      } finally {
        await stop(server)
      }
    }
  }
  const report = render(runtime, setup, samples)
  console.log(`\n${report}`)
  if (writeRequested(argv)) updateSection(setup.title, report)
}

function commandOf(runtime, peer) {
  const file = `${servers}${peer.file}`
  if (runtime.name === 'deno') return [runtime.bin, [...runtime.args, `--allow-read=${here}`, file]]
  return [runtime.bin, [...runtime.args, file]]
}

async function start(runtime, peer, port) {
  const [command, args] = commandOf(runtime, peer)
  const child = spawn(pin ? 'taskset' : command, pin ? ['-c', '0', command, ...args] : args, {
    cwd: here,
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (c) => (stderr += c))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) break
    try {
      await get(port, '/')
      return { child, port, exited }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  child.kill('SIGKILL')
  throw new Error(`${peer.name} on ${runtime.label} did not start:\n${stderr}`)
}

async function stop(server) {
  server.child.kill('SIGKILL')
  await server.exited
}

async function get(port, path) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  const text = await res.text()
  let json
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: res.status, text, json }
}

/** One measurement; a run that got no answers at all (the machine stalled) is run again, twice at most. */
async function measure(port, path, pid) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await load(port, path, SECONDS, pid)
    } catch (error) {
      if (attempt === 3) throw error
      console.log(`  retrying ${path}: ${error.message.split('\n')[0]}`)
    }
  }
}

/** CPU time (user + system, ms) the process has used so far; null where /proc is missing. */
function cpuTime(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  } catch {
    return null
  }
}

function load(port, path, seconds, pid) {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}${path}`]
  const [command, list] = pin ? ['taskset', ['-c', '1', 'wrk', ...args]] : ['wrk', args]
  return new Promise((resolve, reject) => {
    const child = spawn(command, list, { stdio: ['ignore', 'pipe', 'pipe'] })
    const cpuBefore = pid ? cpuTime(pid) : null
    let out = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (out += c))
    child.on('exit', () => {
      const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1])
      const p99 = toMs(out.match(/\s99%\s+([\d.]+\w+)/)?.[1])
      const errors = out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1]
      if (!rps || !p99) return reject(new Error(`Could not read wrk's output:\n${out}`))
      if (errors) return reject(new Error(`${errors} error answers under load:\n${out}`))
      const requests = Number(out.match(/(\d+) requests in/)?.[1])
      const cpuAfter = pid ? cpuTime(pid) : null
      const cpu = cpuBefore !== null && cpuAfter !== null ? ((cpuAfter - cpuBefore) * 1000) / requests : null
      resolve({ rps, p99, cpu })
    })
  })
}

function weftVersion() {
  return JSON.parse(readFileSync(new URL('../../packages/weft/package.json', import.meta.url), 'utf8'))
    .version
}

function toMs(text) {
  if (!text) return 0
  const value = Number.parseFloat(text)
  if (text.endsWith('us')) return value / 1000
  if (text.endsWith('ms')) return value
  if (text.endsWith('s')) return value * 1000
  return value
}

function render(runtime, setup, samples) {
  const fmt = (n) => Math.round(n).toLocaleString('en-US')
  const figure = (peer, scenario) => {
    const list = samples[peer]?.[scenario] ?? []
    return {
      rps: median(list.map((s) => s.rps)),
      p99: median(list.map((s) => s.p99)),
      cpu: median(list.map((s) => s.cpu ?? Number.NaN)),
    }
  }
  const raw = setup.peers[0]
  const rivalNames = setup.rivals.map((id) => setup.peers.find((p) => p.id === id).name)
  const lines = [
    `Command: \`npm run bench:runtimes --workspace bench -- --write\` (or \`node bench/runtimes/run.js --write --runtimes=${runtime.name}\`). The servers are in \`bench/runtimes/servers/\`, one file per peer; the same file serves Deno and Bun where it can.`,
    '',
    `${machineLine()} Runtime: ${runtime.label}.`,
    `Load: wrk ${wrkVersion}, ${CONNECTIONS} connections, ${SECONDS} s per measurement after a ${WARMUP} s warm-up, ${ROUNDS} interleaved round(s), a fresh server process per round; figures are medians over rounds.${pin ? ' Server pinned to core 0, load generator to core 1.' : ''}`,
    `Versions: ${setup.peers
      .filter((p) => p.pkg)
      .map((p) => `${p.name} ${p.pkg === 'weftjs' ? weftVersion() : packageVersion(p.pkg)}`)
      .join(', ')}.`,
    '',
    'Two measures: req/s, and the CPU time the server process spent per request (user + system,',
    'from /proc). On a shared machine req/s moves with whatever else runs; CPU per request barely',
    'does, so the ratios are given for both (CPU ratios as raw ÷ peer, so higher is better in both).',
    '',
    `| scenario | server | req/s | p99 (ms) | CPU µs/req | × ${raw.name} (req/s) | × ${raw.name} (CPU) | ${rivalNames.map((n) => `× ${n} (req/s)`).join(' | ')} |`,
    `| --- | --- | ---: | ---: | ---: | ---: | ---: | ${rivalNames.map(() => '---:').join(' | ')} |`,
  ]
  for (const scenario of SCENARIOS) {
    const base = figure(raw.id, scenario.id)
    for (const peer of setup.peers) {
      const f = figure(peer.id, scenario.id)
      const ratios = setup.rivals.map((id) => `${(f.rps / figure(id, scenario.id).rps).toFixed(2)}×`)
      const name = peer.id === 'weft' ? '**Weft**' : peer.name
      lines.push(
        `| ${scenario.title} | ${name} | ${fmt(f.rps)} | ${f.p99.toFixed(2)} | ${f.cpu.toFixed(2)} | ${(f.rps / base.rps).toFixed(2)}× | ${(base.cpu / f.cpu).toFixed(2)}× | ${ratios.join(' | ')} |`,
      )
    }
  }
  const mark = (value, goal) => `${value.toFixed(2)}${value < goal ? ' **missed**' : ''}`
  lines.push(
    '',
    `| scenario | Weft ÷ ${raw.name}, req/s · CPU (goal ≥ 0.90) | ${rivalNames.map((n) => `Weft ÷ ${n}, req/s · CPU (goal ≥ 1.00)`).join(' | ')} |`,
    `| --- | ---: | ${rivalNames.map(() => '---:').join(' | ')} |`,
  )
  for (const scenario of SCENARIOS) {
    const weft = figure('weft', scenario.id)
    const versus = (id, goal) => {
      const other = figure(id, scenario.id)
      return `${mark(weft.rps / other.rps, goal)} · ${mark(other.cpu / weft.cpu, goal)}`
    }
    lines.push(
      `| ${scenario.title} | ${versus(raw.id, 0.9)} | ${setup.rivals.map((id) => versus(id, 1)).join(' | ')} |`,
    )
  }
  lines.push(
    '',
    'Where Weft spends its time on this path, and what was changed: [runtimes.md](runtimes.md#benchmarks).',
  )
  return lines.join('\n')
}
