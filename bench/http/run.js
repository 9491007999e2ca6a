// HTTP on Node: every peer in servers/ answers the same scenarios; each is loaded in turn,
// interleaved by round, with the server on one core and the load generator on the other.
// Usage: node http/run.js [--write] [--only=weft,fastify] [--scenarios=text,json]
import { spawn, spawnSync } from 'node:child_process'
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
} from './report.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const USER = { name: 'Ada Lovelace', age: 36 }
const BODY = JSON.stringify(USER)

/** Each peer: a server file in servers/ and the package whose version the table reports. */
const PEERS = [
  { id: 'node', name: 'node:http', file: 'node-http.js' },
  { id: 'weft', name: 'Weft', file: 'weft.js', pkg: 'weftjs' },
  { id: 'fastify', name: 'Fastify', file: 'fastify.js', pkg: 'fastify' },
  { id: 'hono', name: 'Hono', file: 'hono.js', pkg: 'hono' },
  { id: 'koa', name: 'Koa', file: 'koa.js', pkg: 'koa' },
  { id: 'express', name: 'Express', file: 'express.js', pkg: 'express' },
]

/** `check` is run once per server before it is measured, so a wrong answer is never timed. */
const SCENARIOS = [
  {
    id: 'text',
    title: 'text `GET /`',
    path: '/',
    check: (r) => r.status === 200 && r.text === 'Hello World',
  },
  {
    id: 'json',
    title: 'JSON `GET /json`',
    path: '/json',
    check: (r) => r.status === 200 && r.json?.hello === 'world',
  },
  {
    id: 'param',
    title: 'param `GET /users/:id`',
    path: '/users/42',
    check: (r) => r.status === 200 && r.json?.id === '42',
  },
  {
    id: 'mw',
    title: '5 middlewares `GET /mw`',
    path: '/mw',
    check: (r) => r.status === 200 && r.json?.hello === 'world',
  },
  {
    id: 'post',
    title: 'validated POST `/users`',
    path: '/users',
    method: 'POST',
    body: BODY,
    check: (r) => r.status === 201 && r.json?.name === USER.name && r.json?.age === USER.age,
  },
  { id: 'notfound', title: '404 `GET /nope`', path: '/nope', check: (r) => r.status === 404 },
]

/** A body that breaks the schema: every server must refuse it, or its POST figure means nothing. */
const INVALID = { path: '/users', method: 'POST', body: '{"name":"Ada","age":-1}' }

export async function runHttp(argv = process.argv.slice(2)) {
  const config = benchConfig()
  const loadAtStart = loadavg()[0]
  const only = listArg(argv, 'only')
  const onlyScenarios = listArg(argv, 'scenarios')
  const scenarios = SCENARIOS.filter((s) => !onlyScenarios || onlyScenarios.includes(s.id))
  const peers = []
  for (const peer of PEERS) {
    if (only && !only.includes(peer.id)) continue
    if (peer.id === 'weft' && !(await weftReady())) {
      console.log('Weft is not built or lacks weft()/serve(): run `npm run build` at the root; skipping it.')
      continue
    }
    peers.push(peer)
  }
  const tool = pickTool()
  const pin = cpuPinning()
  console.log(
    `HTTP on Node: ${peers.length} servers x ${scenarios.length} scenarios, ${config.rounds} round(s) of ` +
      `${config.duration} s after ${config.warmup} s warm-up, ${config.connections} connections, ${tool.name}` +
      (pin ? ', server on core 0 and load on core 1' : ', unpinned (fewer than 2 cores)'),
  )

  const samples = new Map() // `${scenario}/${peer}` -> [{ rps, p99 }]
  const broken = new Map() // `${scenario}/${peer}` -> why it was not measured
  const closing = new Set() // `${scenario}/${peer}` answered with `connection: close`
  for (let round = 0; round < config.rounds; round++) {
    // Rotate the order each round so no peer always goes first (cold machine) or last.
    const order = peers.map((_, i) => peers[(i + round) % peers.length])
    const ports = await freePorts(order.length)
    const servers = await Promise.all(order.map((peer, i) => startServer(peer, ports[i], pin)))
    try {
      for (const server of servers) await checkServer(server, scenarios, broken, closing)
      for (const scenario of scenarios) {
        for (const server of servers) {
          const key = `${scenario.id}/${server.peer.id}`
          if (broken.has(key)) continue
          let result
          try {
            await tool.load(server.port, scenario, config.warmup, config.connections, pin)
            result = await tool.load(server.port, scenario, config.duration, config.connections, pin)
          } catch (error) {
            console.log(
              `  round ${round + 1} ${scenario.id} ${server.peer.name}: ${error.message.split('\n')[0]}`,
            )
            continue
          }
          if (result.errors > 0) {
            broken.set(key, `${result.errors} errors or unexpected statuses under load`)
            continue
          }
          if (!samples.has(key)) samples.set(key, [])
          samples.get(key).push(result)
          console.log(
            `  round ${round + 1} ${scenario.id.padEnd(8)} ${server.peer.name.padEnd(9)} ` +
              `${Math.round(result.rps).toString().padStart(7)} req/s  p99 ${result.p99.toFixed(2)} ms`,
          )
        }
      }
    } finally {
      await Promise.all(servers.map(stopServer))
    }
  }

  const table = renderTable(peers, scenarios, samples, broken, closing)
  const caveat = noiseCaveat(samples, loadAtStart)
  const goals = renderGoals(peers, scenarios, samples)
  const facts = machineFacts(tool, config, peers)
  console.log(`\n${facts}\n${caveat ? `\n${caveat}\n` : ''}\n${table}\n${goals ? `\n${goals}\n` : ''}`)
  if (writeRequested(argv)) {
    const body = [
      'Command: `BENCH_WRITE=1 npm run bench` (all suites) or `node bench/http/run.js --write` (this one). ' +
        'The servers are in `bench/http/servers/`, one file per peer.',
      '',
      facts,
      '',
      ...(caveat ? [caveat, ''] : []),
      table,
      ...(goals ? ['', goals] : []),
    ].join('\n')
    updateSection('HTTP on Node', body)
    console.log('Updated "## HTTP on Node" in docs/benchmarks.md')
  }
  return { samples, broken }
}

/**
 * Durations in whole seconds (wrk takes no fractions). Five short rounds rather than three
 * long ones: on a shared machine a median of five shrugs off a disturbed round. BENCH_QUICK=1 is a smoke
 * run that proves everything answers.
 */
function benchConfig() {
  const quick = process.env.BENCH_QUICK === '1'
  const number = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback)
  return {
    duration: number('BENCH_DURATION', quick ? 1 : 3),
    warmup: number('BENCH_WARMUP', 1),
    rounds: number('BENCH_ROUNDS', quick ? 1 : 5),
    connections: number('BENCH_CONNECTIONS', 100),
  }
}

/** Pin only where there are two cores to split and taskset to split them with. */
function cpuPinning() {
  return availableParallelism() >= 2 && !spawnSync('taskset', ['-c', '0', 'true']).error
}

function listArg(argv, name) {
  const arg = argv.find((a) => a.startsWith(`--${name}=`))
  return arg ? arg.slice(name.length + 3).split(',') : null
}

async function weftReady() {
  try {
    const mod = await import('weftjs')
    return typeof mod.weft === 'function' && typeof mod.serve === 'function'
  } catch {
    return false
  }
}

function startServer(peer, port, pin) {
  const args = [process.execPath, `${here}servers/${peer.file}`]
  const child = spawn(pin ? 'taskset' : args.shift(), pin ? ['-c', '0', ...args] : args, {
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  return waitForPort(port, exited).then(() => ({ peer, port, child, exited }))
}

/** Ports nothing listens on now; other suites on this machine use fixed ones. */
async function freePorts(count) {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer()
      return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
    }),
  )
  const ports = servers.map((server) => server.address().port)
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  return ports
}

async function waitForPort(port, exited) {
  let dead = false
  exited.then(() => {
    dead = true
  })
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline && !dead) {
    try {
      await fetch(`http://127.0.0.1:${port}/`)
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  throw new Error(`The server on port ${port} did not start (or exited); run it by hand to see why`)
}

async function stopServer(server) {
  server.child.kill('SIGTERM')
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 3000)
  await server.exited
  clearTimeout(timer)
}

async function request(port, { path, method = 'GET', body }) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    body,
    headers: body ? { 'content-type': 'application/json' } : {},
  })
  const text = await res.text()
  let json
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: res.status, text, json, closes: res.headers.get('connection') === 'close' }
}

async function checkServer(server, scenarios, broken, closing) {
  for (const scenario of scenarios) {
    const key = `${scenario.id}/${server.peer.id}`
    const res = await request(server.port, scenario)
    if (!scenario.check(res)) broken.set(key, `wrong answer: ${res.status} ${res.text.slice(0, 80)}`)
    // Legal, but it turns a keep-alive benchmark into a connect-per-request one: flag it.
    if (res.closes) closing.add(key)
  }
  const invalid = await request(server.port, INVALID)
  if (invalid.status !== 400 && invalid.status !== 422) {
    broken.set(`post/${server.peer.id}`, `accepted an invalid body (status ${invalid.status})`)
  }
}

function pickTool() {
  const forced = process.env.BENCH_TOOL
  const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' })
  if (forced !== 'autocannon' && !wrk.error) {
    const version = (wrk.stdout + wrk.stderr).match(/wrk (?:\S*\/)?(\d[\w.]*)/)?.[1] ?? ''
    return { name: `wrk ${version}`.trim(), load: loadWithWrk }
  }
  if (forced === 'wrk') throw new Error('BENCH_TOOL=wrk but wrk is not installed (apt-get install -y wrk)')
  return { name: `autocannon ${packageVersion('autocannon')}`, load: loadWithAutocannon }
}

function loadWithWrk(port, scenario, seconds, connections, pin) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency']
  if (scenario.method === 'POST') args.push('-s', `${here}post.lua`)
  args.push(`http://127.0.0.1:${port}${scenario.path}`)
  return exec(pin ? 'taskset' : 'wrk', pin ? ['-c', '1', 'wrk', ...args] : args).then((out) => {
    const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1])
    const p99 = out.match(/^\s+99%\s+([\d.]+)(us|ms|s)/m)
    if (!rps || !p99) throw new Error(`no answers under load (is the server alive?):\n${out}`)
    const unexpected =
      scenario.id === 'notfound' ? 0 : Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0)
    const socket = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/)
    const errors = unexpected + (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0)
    const scale = { us: 0.001, ms: 1, s: 1000 }[p99[2]]
    return { rps, p99: Number(p99[1]) * scale, errors }
  })
}

function loadWithAutocannon(port, scenario, seconds, connections, pin) {
  const bin = fileURLToPath(import.meta.resolve('autocannon/autocannon.js'))
  const args = [bin, '-c', String(connections), '-d', String(seconds), '-j']
  if (scenario.method === 'POST')
    args.push('-m', 'POST', '-H', 'content-type=application/json', '-b', scenario.body)
  args.push(`http://127.0.0.1:${port}${scenario.path}`)
  return exec(pin ? 'taskset' : process.execPath, pin ? ['-c', '1', process.execPath, ...args] : args).then(
    (out) => {
      const result = JSON.parse(out)
      const unexpected = scenario.id === 'notfound' ? 0 : result.non2xx
      return {
        rps: result.requests.average,
        p99: result.latency.p99,
        errors: unexpected + result.errors + result.timeouts,
      }
    },
  )
}

function exec(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.stderr.on('data', (chunk) => {
      out += chunk
    })
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')}:\n${out}`)),
    )
  })
}

function summarise(samples, key) {
  const list = samples.get(key)
  if (!list?.length) return null
  const rps = list.map((s) => s.rps)
  return {
    rps: median(rps),
    p99: median(list.map((s) => s.p99)),
    spread: (Math.max(...rps) - Math.min(...rps)) / median(rps),
  }
}

/** Said in the docs when the rounds disagree: a shared machine makes ratios less than they look. */
function noiseCaveat(samples, loadAtStart) {
  const spreads = [...samples.keys()].map((key) => summarise(samples, key).spread)
  const worst = Math.max(0, ...spreads)
  if (worst < 0.25 && loadAtStart <= availableParallelism() / 2) return ''
  return (
    `**Noisy run**: load average ${loadAtStart.toFixed(2)} when it started on ${availableParallelism()} cores, ` +
    `rounds up to ${(worst * 100).toFixed(0)}% apart. Other work shared the cores, so read ratios within about ` +
    '±20% as ties, and rerun on a quiet machine before drawing a conclusion from one.'
  )
}

function ratio(a, b) {
  return a && b ? `${(a.rps / b.rps).toFixed(2)}×` : '–'
}

function renderTable(peers, scenarios, samples, broken, closing) {
  const lines = [
    '| scenario | framework | req/s | p99 (ms) | spread | × node:http | × Fastify |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const scenario of scenarios) {
    const node = summarise(samples, `${scenario.id}/node`)
    const fastify = summarise(samples, `${scenario.id}/fastify`)
    for (const peer of peers) {
      const key = `${scenario.id}/${peer.id}`
      const s = summarise(samples, key)
      if (!s) {
        lines.push(
          `| ${scenario.title} | ${peer.name} | not measured: ${broken.get(key) ?? 'no sample'} | | | | |`,
        )
        continue
      }
      const flag = closing.has(key) ? ' †' : ''
      const name = peer.id === 'weft' ? `**${peer.name}**${flag}` : `${peer.name}${flag}`
      lines.push(
        `| ${scenario.title} | ${name} | ${Math.round(s.rps).toLocaleString('en-US')} | ${s.p99.toFixed(2)} | ` +
          `${(s.spread * 100).toFixed(0)}% | ${ratio(s, node)} | ${ratio(s, fastify)} |`,
      )
    }
  }
  if (closing.size > 0) {
    lines.push(
      '',
      '† answered a keep-alive request with `connection: close`, so each request paid for a new connection.',
    )
  }
  return lines.join('\n')
}

/** The issue's goals: Weft ≥ 1.0× Fastify everywhere, ≥ 0.85× node:http on text, JSON and params. */
function renderGoals(peers, scenarios, samples) {
  if (!peers.some((p) => p.id === 'weft')) return ''
  const lines = [
    '| scenario | Weft ÷ Fastify (goal ≥ 1.00) | Weft ÷ node:http (goal ≥ 0.85 on text, JSON, param) |',
    '| --- | ---: | ---: |',
  ]
  for (const scenario of scenarios) {
    const weft = summarise(samples, `${scenario.id}/weft`)
    const fastify = summarise(samples, `${scenario.id}/fastify`)
    const node = summarise(samples, `${scenario.id}/node`)
    const vsFastify = weft && fastify ? weft.rps / fastify.rps : null
    const vsNode = weft && node ? weft.rps / node.rps : null
    const nodeGoal = ['text', 'json', 'param'].includes(scenario.id)
    const mark = (value, goal) =>
      value === null ? '–' : `${value.toFixed(2)} ${value >= goal ? 'met' : '**missed**'}`
    lines.push(
      `| ${scenario.title} | ${mark(vsFastify, 1)} | ${nodeGoal ? mark(vsNode, 0.85) : vsNode === null ? '–' : vsNode.toFixed(2)} |`,
    )
  }
  return lines.join('\n')
}

function machineFacts(tool, config, peers) {
  const versions = peers
    .filter((p) => p.pkg)
    .map((p) => `${p.name} ${packageVersion(p.pkg)}`)
    .join(', ')
  return [
    machineLine(),
    `Load: ${tool.name}, ${config.connections} connections, ${config.duration} s per measurement after a ` +
      `${config.warmup} s warm-up, ${config.rounds} interleaved round(s), fresh server processes each round; ` +
      'figures are medians over rounds, spread is (max − min) ÷ median of req/s. Server pinned to core 0, ' +
      'load generator to core 1.',
    `Versions: ${versions}; node:http is the baseline with hand-written routing, chain and body check.`,
  ].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  holdBenchLock()
  await runHttp()
}
