// `npm run bench`: every suite in turn. BENCH_QUICK=1 for a smoke run, BENCH_WRITE=1 (or
// --write) to rewrite each suite's section of docs/benchmarks.md with the new figures.
import { holdBenchLock } from './http/report.js'
import { runHttp } from './http/run.js'
import { runRouter } from './router/run.js'
import { runStartup } from './startup/run.js'

holdBenchLock()
const argv = process.argv.slice(2)
const suites = { http: runHttp, router: runRouter, startup: runStartup }
const chosen = argv.filter((arg) => !arg.startsWith('--'))
for (const name of chosen.length ? chosen : Object.keys(suites)) {
  if (!suites[name])
    throw new Error(`Unknown suite "${name}"; the suites are: ${Object.keys(suites).join(', ')}`)
  await suites[name](argv)
}
