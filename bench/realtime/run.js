// Realtime benchmarks: Weft on Node against Socket.IO 4 (with its Redis adapter across two
// instances) and raw `ws`; Weft on Bun against raw Bun websockets. Servers run on core 0,
// the load on core 1; clients spread over 127.0.x.1 source addresses.
// Usage: node realtime/run.js [--quick] [--write] [--peers=weft,socketio,ws,weft-bun,bun]
//   [--idle=10000,19000] [--fanout=1000,10000] [--broadcasts=100] [--members=100] [--seconds=5]
// Needs `npm run build` first (the Weft server imports the built package) and, for the
// two-instance rows, `redis-server` on the PATH (a private one is started on a free port).
import { spawn, spawnSync } from 'node:child_process'
import { findRuntimes } from '../../packages/weft/test/runtimes/runtimes.mjs'
import { holdBenchLock, machineLine, packageVersion, updateSection, writeRequested } from '../http/report.js'
import { firstLine, freePort, pinned } from './processes.js'

const argv = process.argv.slice(2)
const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1'
const option = (name, fallback) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback
const list = (name, fallback) => option(name, fallback).split(',').filter(Boolean)

const PEERS = {
  weft: { name: 'Weft (Node)', runtime: 'node', file: 'weft.ts', path: '/live', load: 'weft', base: 'ws' },
  socketio: {
    name: 'Socket.IO 4',
    runtime: 'node',
    file: 'socketio.js',
    path: '',
    load: 'socketio',
    base: 'ws',
  },
  ws: { name: 'raw ws', runtime: 'node', file: 'ws.js', path: '/ws', load: 'ws', base: 'ws' },
  'weft-bun': {
    name: 'Weft (Bun)',
    runtime: 'bun',
    file: 'weft.ts',
    path: '/live',
    load: 'weft',
    base: 'bun',
  },
  bun: { name: 'raw Bun.serve', runtime: 'bun', file: 'bun.js', path: '/ws', load: 'ws', base: 'bun' },
}
const peers = list('peers', 'weft,socketio,ws,weft-bun,bun')
const idleSizes = list('idle', quick ? '200' : '10000,19000').map(Number)
const fanoutSizes = list('fanout', quick ? '100' : '1000,10000').map(Number)
const broadcasts = Number(option('broadcasts', quick ? 5 : 100))
const members = Number(option('members', quick ? 20 : 100))
const seconds = Number(option('seconds', quick ? 1 : 5))
const bunBin = findRuntimes({ install: false }).find((r) => r.name === 'bun')?.bin

if (!quick) holdBenchLock()

async function startServer(id, env = {}) {
  const peer = PEERS[id]
  const [command, args] =
    peer.runtime === 'bun'
      ? [bunBin, [`servers/${peer.file}`]]
      : [process.execPath, ['--expose-gc', '--import', 'tsx', `servers/${peer.file}`]]
  const child = pinned(0, command, args, { PORT: '0', NODE_ENV: 'production', ...env })
  const { port } = await firstLine(child)
  return {
    child,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}${peer.path}`,
    io: `http://127.0.0.1:${port}`,
  }
}

async function load(id, server, scenario, count, control, extra = '') {
  const peer = PEERS[id]
  const url = peer.load === 'socketio' ? server.io : server.ws
  const child = pinned(1, process.execPath, [
    'load.js',
    peer.load,
    scenario,
    String(count),
    url,
    control,
    String(extra),
  ])
  return firstLine(child)
}

const stop = (server) => server?.child.kill('SIGKILL')
const results = []
const record = (row) => {
  results.push(row)
  console.log(JSON.stringify(row))
}

for (const id of peers) {
  for (const n of idleSizes) {
    const server = await startServer(id)
    try {
      record({ peer: id, measure: `idle ${n}`, ...(await load(id, server, 'idle', n, server.http)) })
    } finally {
      stop(server)
    }
  }
  const server = await startServer(id)
  try {
    for (const n of fanoutSizes)
      record({
        peer: id,
        measure: `fanout ${n}`,
        ...(await load(id, server, 'fanout', n, server.http, broadcasts)),
      })
    record({
      peer: id,
      measure: `room ${members}`,
      ...(await load(id, server, 'throughput', members, server.http, seconds)),
    })
  } finally {
    stop(server)
  }
}

// Two instances through Redis: subscribers on B, the broadcast made on A.
const redisBinary = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim()
const crossPeers = peers.filter((id) => id === 'weft' || id === 'socketio')
if (crossPeers.length && redisBinary) {
  const port = await freePort()
  const redis = spawn(
    redisBinary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  await new Promise((resolve) => setTimeout(resolve, 500))
  const url = `redis://127.0.0.1:${port}`
  try {
    for (const id of crossPeers) {
      const env = { BROKER_URL: url, REDIS_URL: url }
      const a = await startServer(id, env)
      const b = await startServer(id, env)
      try {
        for (const n of fanoutSizes.filter((s) => s <= 1000)) {
          record({
            peer: id,
            measure: `fanout ${n} via redis`,
            ...(await load(id, b, 'fanout', n, a.http, broadcasts)),
          })
        }
      } finally {
        stop(a)
        stop(b)
      }
    }
  } finally {
    redis.kill('SIGKILL')
  }
} else if (crossPeers.length) console.log('redis-server not found: the two-instance rows are left out')

const table = report(results)
console.log(`\n${table}`)
if (writeRequested(argv) && !quick) updateSection('Realtime', table)

function report(rows) {
  const cell = (id, measure) => rows.find((r) => r.peer === id && r.measure === measure)
  const measures = [...new Set(rows.map((r) => r.measure))]
  const lines = [
    `Command: \`node bench/realtime/run.js${argv.length ? ` ${argv.join(' ')}` : ''}\` (after \`npm run build\`).`,
    `ws ${packageVersion('ws')}, Socket.IO ${packageVersion('socket.io')}, @socket.io/redis-adapter ${packageVersion('@socket.io/redis-adapter')}. ${machineLine()}`,
    '',
    `| measure | ${peers.map((id) => PEERS[id].name).join(' | ')} | Weft ÷ its raw floor |`,
    `|---|${peers.map(() => '---|').join('')}---|`,
  ]
  for (const measure of measures) {
    const values = peers.map((id) => format(cell(id, measure)))
    const ratios = ['weft', 'weft-bun']
      .filter((id) => cell(id, measure) && cell(PEERS[id].base, measure))
      .map((id) => `${PEERS[id].runtime}: ${ratio(cell(id, measure), cell(PEERS[id].base, measure))}`)
    lines.push(`| ${measure} | ${values.join(' | ')} | ${ratios.join(', ') || '—'} |`)
  }
  lines.push(
    '',
    "idle: KB of RSS per connection (lower is better); fanout: ms until the last subscriber has one broadcast, p50 / p99; room: messages delivered per second (higher is better) · the server's CPU time per delivered message (lower is better; ratios as raw ÷ Weft, higher is better).",
    'Every server sends a room message in the frame Weft sends (channel and sequence number around the data), so clients read the same bytes from each; the raw ws floor encodes it once and corks each socket until the end of the turn, as Weft does, and the raw Bun floor uses `server.publish`.',
  )
  return lines.join('\n')
}

function format(row) {
  if (!row) return '—'
  if (row.kbPerConnection !== undefined) return `${row.kbPerConnection.toFixed(1)} KB`
  if (row.p50 !== undefined) return `${row.p50.toFixed(1)} / ${row.p99.toFixed(1)} ms`
  return `${(row.deliveredPerSecond / 1000).toFixed(1)}k/s · ${row.cpuPerMessage.toFixed(2)} µs`
}

function ratio(weft, raw) {
  if (weft.kbPerConnection !== undefined) return (weft.kbPerConnection / raw.kbPerConnection).toFixed(2)
  if (weft.p99 !== undefined) return `p99 ${(weft.p99 / raw.p99).toFixed(2)}`
  const rate = (weft.deliveredPerSecond / raw.deliveredPerSecond).toFixed(2)
  return `${rate} · CPU ${(raw.cpuPerMessage / weft.cpuPerMessage).toFixed(2)}`
}
