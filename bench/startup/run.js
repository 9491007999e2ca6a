// Cold start: how long a fresh Node process takes to import each framework, and to answer
// its first request (process start, import, app set-up, listen, one GET /). Each is measured
// in turn, interleaved by round, and the table holds medians.
// Usage: node startup/run.js [--write]
import { spawn, spawnSync } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import {
  holdBenchLock,
  machineLine,
  median,
  packageVersion,
  updateSection,
  writeRequested,
} from '../http/report.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const PEERS = [
  { id: 'node', name: 'node:http', file: 'node-http.js', module: 'node:http' },
  { id: 'weft', name: 'Weft', file: 'weft.js', module: 'weftjs', pkg: 'weftjs' },
  { id: 'fastify', name: 'Fastify', file: 'fastify.js', module: 'fastify', pkg: 'fastify' },
  { id: 'hono', name: 'Hono', file: 'hono.js', module: 'hono', pkg: 'hono' },
]

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** Milliseconds for `node -e "await import(module)"`, the process's own start included. */
function importTime(module) {
  const started = process.hrtime.bigint()
  const run = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await import(${JSON.stringify(module)})`],
    {
      cwd: here,
      stdio: 'inherit',
    },
  )
  if (run.status !== 0) throw new Error(`importing ${module} failed`)
  return Number(process.hrtime.bigint() - started) / 1e6
}

function get(port) {
  return new Promise((resolve, reject) => {
    request({ port, host: '127.0.0.1', path: '/' }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
      .on('error', reject)
      .end()
  })
}

/** Milliseconds from spawning the hello-world server to its first 200. */
async function firstAnswer(file) {
  const port = await freePort()
  const started = process.hrtime.bigint()
  const child = spawn(process.execPath, [`servers/${file}`], {
    cwd: here,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk) => String(chunk).includes('ready') && resolve())
      child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)))
    })
    const status = await get(port)
    if (status !== 200) throw new Error(`${file} answered ${status}`)
    return Number(process.hrtime.bigint() - started) / 1e6
  } finally {
    child.kill('SIGKILL')
  }
}

export async function runStartup(argv = process.argv.slice(2)) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? (process.env.BENCH_QUICK === '1' ? 2 : 15))
  const results = Object.fromEntries(PEERS.map((p) => [p.id, { imports: [], answers: [] }]))
  console.log(`Cold start: ${PEERS.length} peers, ${rounds} interleaved rounds`)
  for (let round = 0; round < rounds; round++) {
    for (const peer of PEERS) {
      results[peer.id].imports.push(importTime(peer.module))
      results[peer.id].answers.push(await firstAnswer(peer.file))
    }
  }
  const rows = PEERS.map((peer) => {
    const imported = median(results[peer.id].imports)
    const answered = median(results[peer.id].answers)
    return `| ${peer.id === 'weft' ? '**Weft**' : peer.name} | ${imported.toFixed(0)} | ${answered.toFixed(0)} |`
  })
  const versions = PEERS.filter((p) => p.pkg)
    .map((p) => `${p.name} ${packageVersion(p.pkg)}`)
    .join(', ')
  const [load] = loadavg()
  const noisy =
    load > availableParallelism() / 2
      ? `**Noisy run**: load average ${load.toFixed(2)} on ${availableParallelism()} cores; other work shared the machine, so rerun on a quiet one before drawing conclusions.`
      : ''
  const body = [
    'Command: `node bench/startup/run.js --write` (or `BENCH_WRITE=1 npm run bench`). The hello-world servers are in `bench/startup/servers/`.',
    '',
    machineLine(),
    `Versions: ${versions}. Medians of ${rounds} interleaved rounds, each a fresh Node process.`,
    '',
    ...(noisy ? [noisy, ''] : []),
    '| framework | `import()` in a fresh `node` (ms) | spawn to first answered `GET /` (ms) |',
    '| --- | ---: | ---: |',
    ...rows,
    '',
    "Both columns include Node's own start (the node:http row is that floor). Goal: Weft below Fastify and Hono in both.",
  ].join('\n')
  console.log(`\n${body}\n`)
  if (writeRequested(argv)) updateSection('Cold start', body)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  holdBenchLock()
  await runStartup()
}
