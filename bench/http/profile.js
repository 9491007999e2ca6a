// Where a server spends its time under load: runs one peer with --cpu-prof, loads the chosen
// scenarios with wrk (or autocannon), and prints the top self-time functions, mapped back to
// TypeScript sources where a source map exists.
// Usage: node http/profile.js [peer=weft | server.js] [scenario ...]   e.g. node http/profile.js weft text json
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { holdBenchLock } from './report.js'

holdBenchLock()
const here = fileURLToPath(new URL('.', import.meta.url))
const root = fileURLToPath(new URL('../../', import.meta.url))
const [peer = 'weft', ...chosen] = process.argv.slice(2)
const seconds = Number(process.env.BENCH_DURATION ?? 5)
const port = 3190
const BODY = '{"name":"Ada Lovelace","age":36}'
const SCENARIOS = {
  text: '/',
  json: '/json',
  param: '/users/42',
  mw: '/mw',
  post: '/users',
  notfound: '/nope',
}
const scenarios = chosen.length ? chosen : Object.keys(SCENARIOS)

const dir = mkdtempSync(join(tmpdir(), 'weft-prof-'))
// A peer's name, or the path of any server file that takes PORT (to profile a patched build).
const file = peer.endsWith('.js') ? peer : join(here, 'servers', `${peer === 'node' ? 'node-http' : peer}.js`)
// --cpu-prof writes its file on a normal exit only, so turn SIGTERM into one.
const exitOnTerm = "data:text/javascript,process.on('SIGTERM',()=>process.exit(0))"
const server = spawn(
  'taskset',
  ['-c', '0', process.execPath, '--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', exitOnTerm, file],
  { env: { ...process.env, PORT: String(port), NODE_ENV: 'production' }, stdio: 'inherit' },
)
const exited = new Promise((resolve) => server.once('exit', resolve))
for (let i = 0; i < 200; i++) {
  try {
    await fetch(`http://127.0.0.1:${port}/`)
    break
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
const useWrk = !spawnSync('wrk', ['--version']).error
for (const scenario of scenarios) {
  const url = `http://127.0.0.1:${port}${SCENARIOS[scenario]}`
  const post = scenario === 'post'
  const args = useWrk
    ? ['wrk', '-t1', '-c100', `-d${seconds}s`, ...(post ? ['-s', join(here, 'post.lua')] : []), url]
    : [
        process.execPath,
        fileURLToPath(import.meta.resolve('autocannon/autocannon.js')),
        ...['-c', '100', '-d', String(seconds)],
        ...(post ? ['-m', 'POST', '-H', 'content-type=application/json', '-b', BODY] : []),
        url,
      ]
  const out = spawnSync('taskset', ['-c', '1', ...args], { encoding: 'utf8' })
  console.log(
    `${scenario}: ${(out.stdout + out.stderr).match(/Requests\/sec:\s+\S+|\d+k requests in .*/)?.[0]}`,
  )
}
server.kill('SIGTERM')
await exited

const maps = new Map()
const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'))
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const self = new Map()
let total = 0
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i])
  const delta = profile.timeDeltas[i] ?? 0
  total += delta
  const key = locate(node.callFrame)
  self.set(key, (self.get(key) ?? 0) + delta)
}

/** `name src/http/app.ts:120` for our own code (through its source map), else the JS location. */
function locate({ functionName, url, lineNumber, columnNumber }) {
  const name = functionName || '(anonymous)'
  if (!url) return name
  if (url.startsWith('file://') && url.includes('/weft/dist/')) {
    const path = fileURLToPath(url)
    if (!maps.has(path)) {
      try {
        maps.set(path, new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))))
      } catch {
        maps.set(path, null)
      }
    }
    const entry = maps.get(path)?.findEntry(lineNumber, columnNumber)
    if (entry?.originalSource) {
      const source = relative(root, fileURLToPath(new URL(entry.originalSource, url)))
      return `${name} ${source}:${entry.originalLine + 1}`
    }
  }
  const short = url.startsWith('file://') ? relative(root, fileURLToPath(url)) : url
  return `${name} ${short}:${lineNumber + 1}`
}

const rows = [...self].sort((a, b) => b[1] - a[1])
const print = (title, list) => {
  console.log(`\n${title}`)
  for (const [key, time] of list.slice(0, 25))
    console.log(`${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}`)
}
print(`Top self time, ${peer}, ${scenarios.join(' ')} (${(total / 1e6).toFixed(1)} s sampled):`, rows)
print(
  'Of which in Weft:',
  rows.filter(([key]) => /weft\/(src|dist)\//.test(key)),
)
console.log(`\nProfile: ${dir}`)
