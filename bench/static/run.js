// Static files on Node: Weft's serveStatic against @fastify/static and serve-static on
// Express, for a 1 KB and a 1 MB file. Each server runs as its own process; the load
// generator (autocannon) runs in this one. Prints a Markdown table of medians over rounds.
// Usage: node static/run.js   (BENCH_QUICK=1 for a smoke run; BENCH_DURATION, BENCH_ROUNDS, BENCH_CONNECTIONS)
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { holdBenchLock, machineLine, median, packageVersion } from '../http/report.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const quick = process.env.BENCH_QUICK === '1'
const duration = Number(process.env.BENCH_DURATION ?? (quick ? 1 : 5))
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3))
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)

const PEERS = [
  { id: 'weft', name: 'Weft serveStatic', file: 'weft.js', pkg: 'weftjs' },
  { id: 'fastify', name: '@fastify/static', file: 'fastify.js', pkg: '@fastify/static' },
  { id: 'express', name: 'Express + serve-static', file: 'express.js', pkg: 'serve-static' },
]
const FILES = [
  { name: '1kb.txt', size: 1024, title: '1 KB file' },
  { name: '1mb.bin', size: 1024 * 1024, title: '1 MB file' },
]

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function start(peer, root) {
  const port = await freePort()
  const child = spawn(process.execPath, [join(here, 'servers', peer.file)], {
    env: { ...process.env, PORT: String(port), STATIC_ROOT: root, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => String(chunk).includes('ready') && resolve())
    child.once('exit', (code) => reject(new Error(`${peer.name} exited with ${code}`)))
  })
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') }
}

/** Every server must answer the file whole before it is timed. */
async function check(url, file) {
  const res = await fetch(`${url}/static/${file.name}`)
  const size = (await res.arrayBuffer()).byteLength
  if (res.status !== 200 || size !== file.size)
    throw new Error(`${url}: ${file.name} answered ${res.status}, ${size} bytes`)
}

async function measure(url, file) {
  const result = await autocannon({ url: `${url}/static/${file.name}`, connections, duration })
  if (result.non2xx || result.errors)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return { rps: result.requests.average, mbps: result.throughput.average / 1048576 }
}

export async function runStatic() {
  holdBenchLock()
  const root = mkdtempSync(join(tmpdir(), 'weft-bench-static-'))
  for (const file of FILES) writeFileSync(join(root, file.name), new Uint8Array(file.size).fill(97))
  const results = {}
  try {
    for (let round = 0; round < rounds; round++) {
      for (const peer of PEERS) {
        const server = await start(peer, root)
        try {
          for (const file of FILES) {
            await check(server.url, file)
            const key = `${peer.id}:${file.name}`
            ;(results[key] ??= []).push(await measure(server.url, file))
          }
        } finally {
          server.stop()
        }
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
  const lines = [
    `${machineLine()}; ${rounds} round(s) of ${duration} s, ${connections} connections, medians.`,
    '',
    `| Server | ${FILES.map((f) => `${f.title} req/s`).join(' | ')} | 1 MB MiB/s |`,
    `| --- | ${FILES.map(() => '---:').join(' | ')} | ---: |`,
  ]
  for (const peer of PEERS) {
    const cells = FILES.map((f) =>
      Math.round(median(results[`${peer.id}:${f.name}`].map((r) => r.rps))).toLocaleString('en'),
    )
    const mbps = median(results[`${peer.id}:1mb.bin`].map((r) => r.mbps)).toFixed(0)
    lines.push(`| ${peer.name} ${packageVersion(peer.pkg) ?? ''} | ${cells.join(' | ')} | ${mbps} |`)
  }
  console.log(lines.join('\n'))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runStatic()
