// Modules and DI: the same 5-module, 20-provider app (a route through a request-scoped
// service) on Weft, NestJS on Fastify and NestJS on Express, measured in one run with
// the server on core 0 and wrk (else autocannon) on core 1; then cold start, the time
// from spawning the process to its first answer, for an app of 50 providers and 100 routes.
// Usage: node di/run.js [--write]   (BENCH_QUICK=1 for a smoke run)
import { spawn, spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { machineLine, median, packageVersion, updateSection, writeRequested } from '../http/report.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = fileURLToPath(new URL('../../', import.meta.url))

const PEERS = [
  { id: 'weft', name: 'Weft (weftjs/di)', file: 'servers/weft.js', env: {} },
  { id: 'nest-fastify', name: 'NestJS on Fastify', file: 'nest/server.js', env: { PLATFORM: 'fastify' } },
  { id: 'nest-express', name: 'NestJS on Express', file: 'nest/server.js', env: { PLATFORM: 'express' } },
]
const PATH = '/orders/42'
const EXPECTED = { total: 2520, currency: 'EUR', requestId: 'bench' }

export async function runDi(argv = process.argv.slice(2)) {
  const quick = process.env.BENCH_QUICK === '1'
  const config = {
    duration: Number(process.env.BENCH_DURATION ?? (quick ? 1 : 5)),
    rounds: Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3)),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 100),
    coldRuns: quick ? 2 : 7,
  }
  buildWeft()
  const pin = availableParallelism() >= 2 && !spawnSync('taskset', ['-c', '0', 'true']).error
  const tool = spawnSync('wrk', ['--version']).error ? 'autocannon' : 'wrk'
  console.log(
    `Modules and DI: ${PEERS.length} servers, ${config.rounds} round(s) of ${config.duration}s, ${tool}`,
  )

  const rps = new Map(PEERS.map((p) => [p.id, []]))
  for (let round = 0; round < config.rounds; round++) {
    for (const peer of PEERS) {
      const server = await start(peer, 4300, pin, {})
      try {
        await check(server.port)
        // Warm-up: JIT and connection set-up; its figures are thrown away.
        await load(tool, server.port, 2, config.connections, pin).catch(() => {})
        const result = await load(tool, server.port, config.duration, config.connections, pin)
        rps.get(peer.id).push(result)
        console.log(
          `  round ${round + 1} ${peer.name}: ${Math.round(result.rps)} req/s, p99 ${result.p99} ms`,
        )
      } finally {
        await stop(server)
      }
    }
  }
  const cold = new Map(PEERS.map((p) => [p.id, []]))
  for (let run = 0; run < config.coldRuns; run++) {
    for (const peer of PEERS) {
      const started = performance.now()
      const server = await start(peer, 4400, false, { COLD: '1' }, '/m4/r19/1')
      cold.get(peer.id).push(performance.now() - started)
      await stop(server)
    }
  }
  const weftRps = median(rps.get('weft').map((r) => r.rps))
  const rows = PEERS.map((peer) => {
    const results = rps.get(peer.id)
    const median_ = median(results.map((r) => r.rps))
    return {
      peer,
      rps: median_,
      p99: median(results.map((r) => r.p99)),
      ratio: weftRps / median_,
      cold: median(cold.get(peer.id)),
    }
  })
  const table = [
    '| Server | req/s | p99 ms | Weft is | cold start (50 providers, 100 routes) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.peer.name} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p99.toFixed(2)} | ${r.peer.id === 'weft' ? '—' : `${r.ratio.toFixed(2)}×`} | ${Math.round(r.cold)} ms |`,
    ),
  ].join('\n')
  console.log(`\n${table}\n`)
  if (writeRequested(argv)) {
    const body = [
      `\`GET ${PATH}\` on an app of 5 modules and 20 providers: a request-scoped view (which injects`,
      'the request and a request-scoped context) over singleton services from four other modules,',
      'the same JSON from every server (bench/di/servers/weft.js, bench/di/nest/server.js). NestJS',
      `${packageVersion('@nestjs/core')} (platform-fastify ${packageVersion('@nestjs/platform-fastify')}, platform-express ${packageVersion('@nestjs/platform-express')}); its`,
      'request scope rebuilds the controller and its request-scoped chain per request, as NestJS does.',
      `Median of ${config.rounds} rounds of ${config.duration} s, ${config.connections} connections, ${tool}${pin ? ', server on core 0 and load on core 1 (taskset)' : ''}.`,
      `Cold start: median of ${config.coldRuns} spawns, from \`node\` starting to the first 200 answer, for an app`,
      'of 5 modules, 50 providers (10 request-scoped) and 100 routes; Weft runs compiled JavaScript (tsc).',
      '',
      table,
      '',
      machineLine(),
      '',
      'Rerun: `npm run bench:di --workspace bench` (or `node bench/di/run.js --write`).',
    ].join('\n')
    updateSection('Modules and DI', body)
    console.log('Updated "## Modules and DI" in docs/benchmarks.md')
  }
  return rows
}

/** Weft compiled to plain JavaScript, fresh for each run, as an app would deploy it. */
function buildWeft() {
  const tsc = spawnSync(
    process.execPath,
    [
      `${root}node_modules/typescript/bin/tsc`,
      '-p',
      `${root}packages/weft/tsconfig.build.json`,
      '--outDir',
      `${here}.build/weft`,
      '--declaration',
      'false',
      '--sourceMap',
      'false',
    ],
    { stdio: 'inherit' },
  )
  if (tsc.status !== 0) throw new Error('Compiling Weft for the benchmark failed (see above)')
}

function start(peer, port, pin, env, probe = PATH) {
  const args = [process.execPath, `${here}${peer.file}`]
  const child = spawn(pin ? 'taskset' : args.shift(), pin ? ['-c', '0', ...args] : args, {
    cwd: here,
    env: { ...process.env, ...peer.env, ...env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  let dead = false
  const exited = new Promise((resolve) => child.once('exit', resolve)).then(() => (dead = true))
  return (async () => {
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline && !dead) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${probe}`)
        await res.arrayBuffer()
        if (res.status === 200) return { port, child, exited }
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    child.kill('SIGKILL')
    throw new Error(
      `${peer.name} did not answer ${probe} on port ${port}; run ${peer.file} by hand to see why`,
    )
  })()
}

async function stop(server) {
  server.child.kill('SIGTERM')
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 3000)
  await server.exited
  clearTimeout(timer)
}

/** A wrong answer is never timed. */
async function check(port) {
  const res = await fetch(`http://127.0.0.1:${port}${PATH}`, { headers: { 'x-request-id': 'bench' } })
  const body = await res.json()
  for (const [key, value] of Object.entries(EXPECTED)) {
    if (body[key] !== value) throw new Error(`Wrong answer on port ${port}: ${JSON.stringify(body)}`)
  }
}

function load(tool, port, seconds, connections, pin) {
  const url = `http://127.0.0.1:${port}${PATH}`
  if (tool === 'wrk') {
    const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-H', 'x-request-id: bench', url]
    return exec(pin ? 'taskset' : 'wrk', pin ? ['-c', '1', 'wrk', ...args] : args).then((out) => {
      const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1])
      const p99 = out.match(/^\s+99%\s+([\d.]+)(us|ms|s)/m)
      if (!rps || !p99) throw new Error(`Could not read wrk's output:\n${out}`)
      if (/Non-2xx/.test(out)) throw new Error(`Errors under load:\n${out}`)
      return { rps, p99: Number(p99[1]) * { us: 0.001, ms: 1, s: 1000 }[p99[2]] }
    })
  }
  const bin = fileURLToPath(import.meta.resolve('autocannon/autocannon.js'))
  const args = [bin, '-c', String(connections), '-d', String(seconds), '-j', '-H', 'x-request-id=bench', url]
  return exec(pin ? 'taskset' : process.execPath, pin ? ['-c', '1', process.execPath, ...args] : args).then(
    (out) => {
      const result = JSON.parse(out)
      if (result.non2xx || result.errors) throw new Error(`Errors under load: ${out.slice(0, 300)}`)
      return { rps: result.requests.average, p99: result.latency.p99 }
    },
  )
}

function exec(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (out += chunk))
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} failed:\n${out}`)),
    )
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runDi()
