// A/B of two or more server files on one scenario, for deciding a change on a shared
// machine: the servers are loaded in turn, round after round, and compared by the CPU time
// each spent per request (user + system, from /proc), which moves far less with other load
// than req/s does. Each file takes PORT, as the servers in servers/ do.
// Usage: node http/ab.js <scenario> <server.js> <server.js> ... [--rounds=5] [--seconds=3]
//   e.g. node http/ab.js post http/servers/weft.js ../.scratch/before/weft.js
// Scenarios: text, json, param, mw, post, notfound (as in run.js and profile.js).
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median } from './report.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const argv = process.argv.slice(2)
const option = (name, fallback) =>
  Number(argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
const [scenario, ...files] = argv.filter((a) => !a.startsWith('--'))
const rounds = option('rounds', 5)
const seconds = option('seconds', 3)
const PATHS = { text: '/', json: '/json', param: '/users/42', mw: '/mw', post: '/users', notfound: '/nope' }
if (!PATHS[scenario] || files.length < 2) {
  console.log('Usage: node http/ab.js <scenario> <server.js> <server.js> ... [--rounds=5] [--seconds=3]')
  process.exit(1)
}
const pin = availableParallelism() >= 2 && !spawnSync('taskset', ['-c', '0', 'true']).error
// Linux reports process CPU time in clock ticks, 100 a second on every usual kernel.
const CLOCK_TICKS = 100

const samples = files.map(() => [])
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < files.length; i++) {
    // Alternate the order each round, so neither side always runs first.
    const index = round % 2 === 0 ? i : files.length - 1 - i
    const result = await measure(files[index], 3300 + index)
    samples[index].push(result)
    console.log(
      `round ${round + 1} ${files[index].padEnd(40)} ${Math.round(result.rps).toString().padStart(7)} req/s  ` +
        `${result.cpu.toFixed(2)} µs CPU/request`,
    )
  }
}
console.log(`\n${scenario}, medians of ${rounds} rounds (CPU ratio: first ÷ this, higher is better):`)
const base = median(samples[0].map((s) => s.cpu))
for (let i = 0; i < files.length; i++) {
  const cpu = median(samples[i].map((s) => s.cpu))
  const rps = median(samples[i].map((s) => s.rps))
  console.log(
    `${files[i].padEnd(40)} ${Math.round(rps).toString().padStart(7)} req/s  ${cpu.toFixed(2)} µs CPU/request  ` +
      `${(base / cpu).toFixed(2)}×`,
  )
}

async function measure(file, port) {
  const command = [process.execPath, file]
  const server = spawn(pin ? 'taskset' : command[0], pin ? ['-c', '0', ...command] : command.slice(1), {
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    stdio: 'inherit',
  })
  try {
    await waitFor(port)
    await wrk(port, 1)
    const before = cpuTime(server.pid)
    const { rps, requests } = await wrk(port, seconds)
    return { rps, cpu: ((cpuTime(server.pid) - before) * 1000) / requests }
  } finally {
    server.kill('SIGKILL')
    await new Promise((resolve) => server.once('exit', resolve))
  }
}

async function waitFor(port) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`)
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  throw new Error(`nothing listens on ${port}`)
}

function wrk(port, duration) {
  const post = scenario === 'post' ? ['-s', join(here, 'post.lua')] : []
  const args = [
    'wrk',
    '-t1',
    '-c100',
    `-d${duration}s`,
    ...post,
    `http://127.0.0.1:${port}${PATHS[scenario]}`,
  ]
  const out = spawnSync(pin ? 'taskset' : args[0], pin ? ['-c', '1', ...args] : args.slice(1), {
    encoding: 'utf8',
  }).stdout
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1])
  const requests = Number(out.match(/(\d+) requests in/)?.[1])
  if (!rps || !requests) throw new Error(`could not read wrk's output:\n${out}`)
  if (/Non-2xx or 3xx/.test(out) && scenario !== 'notfound')
    throw new Error(`error answers under load:\n${out}`)
  return { rps, requests }
}

/** CPU time (user + system, ms) the process has used so far. */
function cpuTime(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
}
