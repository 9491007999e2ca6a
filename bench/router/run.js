// Router: Weft's router against find-my-way (Fastify's router) on the same 1,000 routes, the
// same lookups, in one process, interleaved. Usage: node router/run.js [--write]
import { spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import FindMyWay from 'find-my-way'
import {
  holdBenchLock,
  machineLine,
  median,
  packageVersion,
  updateSection,
  writeRequested,
} from '../http/report.js'
import { LOOKUPS, ROUTES } from './routes.js'

const WEFT_ROUTER = new URL('../../packages/weft/dist/http/router.js', import.meta.url)

/** Each contestant: build a router from ROUTES, and a find that returns [routeIndex, params] or null. */
async function contestants() {
  const list = []
  try {
    const { Router } = await import(WEFT_ROUTER)
    const router = new Router()
    for (const [i, [method, path]] of ROUTES.entries()) router.add(method, path, i)
    list.push({
      name: 'Weft',
      find: (method, path) => router.find(method, path),
      unwrap: (match) => match && [match.value, match.params],
    })
  } catch (error) {
    console.error(
      `Weft's router is not built (${error.code ?? error.message}): run \`npm run build\`; skipping it.`,
    )
  }
  // ignoreTrailingSlash gives the same semantics as Weft's router (`/users/` is `/users`).
  const fmw = FindMyWay({ ignoreTrailingSlash: true })
  const handler = () => {}
  for (const [i, [method, path]] of ROUTES.entries()) fmw.on(method, path, handler, { index: i })
  list.push({
    name: 'find-my-way',
    find: (method, path) => fmw.find(method, path),
    unwrap: (match) => match && [match.store.index, { ...match.params }],
  })
  return list
}

/** Both routers must give the same route and params for every lookup, or the race means nothing. */
function checkAgreement(list) {
  for (const lookups of Object.values(LOOKUPS)) {
    for (const [method, path] of lookups) {
      const answers = list.map((c) => JSON.stringify(c.unwrap(c.find(method, path))))
      if (new Set(answers).size > 1) {
        throw new Error(`The routers disagree on ${method} ${path}: ${answers.join(' vs ')}`)
      }
    }
  }
}

/**
 * Lookups per second over at least `ms` of timed passes. Each pass gets freshly made path
 * strings, as a server does from its parser: a string literal caches its hash, which would
 * flatter any router that hashes the path (a Map lookup) against one that walks it.
 */
function measure(find, lookups, ms) {
  const size = 60_000
  const methods = new Array(size)
  const paths = new Array(size)
  // Keeping every match alive stops V8 from eliding the allocation of a result nobody reads,
  // which a real request (that reads params) never could.
  const kept = new Array(size)
  let ops = 0
  let elapsed = 0n
  while (elapsed < BigInt(ms) * 1_000_000n) {
    for (let i = 0; i < size; i++) {
      const [method, path] = lookups[i % lookups.length]
      methods[i] = method
      paths[i] = Buffer.from(path, 'latin1').toString('latin1')
    }
    const start = process.hrtime.bigint()
    for (let i = 0; i < size; i++) kept[i] = find(methods[i], paths[i])
    elapsed += process.hrtime.bigint() - start
    ops += size
  }
  return ops / (Number(elapsed) / 1e9)
}

const GROUPS = { ...LOOKUPS, 'mixed (all above)': Object.values(LOOKUPS).flat() }

/**
 * One contestant in a process of its own, so neither router's code shapes the other's
 * inline caches; prints `{ group: ops/s }` as JSON.
 */
async function child(name, ms) {
  const contestant = (await contestants()).find((c) => c.name === name)
  for (const lookups of Object.values(GROUPS)) measure(contestant.find, lookups, ms / 2) // warm-up
  const result = {}
  for (const [group, lookups] of Object.entries(GROUPS)) result[group] = measure(contestant.find, lookups, ms)
  process.stdout.write(JSON.stringify(result))
}

function runChild(name, ms) {
  const args = [fileURLToPath(import.meta.url), `--child=${name}`, String(ms)]
  const pin = availableParallelism() >= 2 && !spawnSync('taskset', ['-c', '0', 'true']).error
  const out = pin
    ? spawnSync('taskset', ['-c', '0', process.execPath, ...args], { encoding: 'utf8' })
    : spawnSync(process.execPath, args, { encoding: 'utf8' })
  if (out.status !== 0) throw new Error(`The ${name} router bench failed:\n${out.stderr}`)
  return JSON.parse(out.stdout)
}

export async function runRouter(argv = process.argv.slice(2)) {
  const quick = process.env.BENCH_QUICK === '1'
  const ms = Number(process.env.BENCH_ROUTER_MS ?? (quick ? 200 : 1000))
  const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3))
  const list = await contestants()
  checkAgreement(list)
  const groups = GROUPS
  console.log(`Router: ${ROUTES.length} routes, ${rounds} round(s) of ${ms} ms per router and lookup kind`)

  const results = new Map() // `${group}/${name}` -> ops/s per round
  for (let round = 0; round < rounds; round++) {
    // Alternate who goes first so neither always runs on a warmer or cooler machine.
    const order = round % 2 ? [...list].reverse() : list
    for (const c of order) {
      const ops = runChild(c.name, ms)
      for (const [group, value] of Object.entries(ops)) {
        const key = `${group}/${c.name}`
        if (!results.has(key)) results.set(key, [])
        results.get(key).push(value)
      }
    }
  }

  const names = list.map((c) => c.name)
  const lines = [
    `| lookups | ${names.map((n) => `${n} (ops/s)`).join(' | ')} |${names.length > 1 ? ' Weft ÷ find-my-way |' : ''}`,
    `| --- | ${names.map(() => '---:').join(' | ')} |${names.length > 1 ? ' ---: |' : ''}`,
  ]
  for (const [group, lookups] of Object.entries(groups)) {
    const ops = names.map((n) => median(results.get(`${group}/${n}`)))
    const cells = ops.map((v) => Math.round(v).toLocaleString('en-US'))
    const ratio = names.length > 1 ? ` ${(ops[0] / ops[1]).toFixed(2)}× |` : ''
    lines.push(`| ${group} (${lookups.length} paths) | ${cells.join(' | ')} |${ratio}`)
  }
  const table = lines.join('\n')
  console.log(`\n${table}\n`)

  if (writeRequested(argv)) {
    const body = [
      'Command: `BENCH_WRITE=1 npm run bench` (all suites) or `node bench/router/run.js --write` (this one).',
      '',
      `${machineLine()} find-my-way ${packageVersion('find-my-way')}.`,
      `Table: ${ROUTES.length.toLocaleString('en-US')} routes (\`bench/router/routes.js\`: 40 REST resources × 25 routes, 8 static, ` +
        '15 with 1–3 parameters, 2 wildcards). Both routers answer the same route and params for every lookup ' +
        `(checked before timing). ${rounds} interleaved rounds, each router in a fresh process pinned to one core, ` +
        `${ms} ms per router and kind after a warm-up, on fresh path strings as a server gets them; medians.`,
      "find-my-way's `find()` also splits off a query string and percent-decodes; Weft's router is handed a path " +
        'the adapter has already split, and params are decoded later, so the two do not do exactly the same work.',
      '',
      table,
    ].join('\n')
    updateSection('Router', body)
    console.log('Updated "## Router" in docs/benchmarks.md')
  }
  return results
}

const childArg = process.argv.find((arg) => arg.startsWith('--child='))
if (childArg) {
  await child(childArg.slice('--child='.length), Number(process.argv[process.argv.indexOf(childArg) + 1]))
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  holdBenchLock()
  await runRouter()
}
