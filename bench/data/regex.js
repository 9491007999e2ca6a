// `npm run bench:regex` (from bench/, after `npm run build` at the root): why a `$regex`
// from input runs on a linear-time engine. Three ways to bound a pattern are compared on
// the same strings: the runtime's backtracking engine behind a static check
// (safe-regex2, the check Fastify's router uses), RE2JS alone, and what weftjs/data does
// (plain literals native, everything else on RE2JS). Reported: the cost of one match for
// everyday patterns, which catastrophic patterns each approach lets through, and how long
// one catastrophic match takes. BENCH_QUICK=1 for a smoke run.

import { RE2JS } from 're2js'
import safeRegex from 'safe-regex2'
import { connect } from 'weftjs/data'

const quick = process.env.BENCH_QUICK === '1'
const MATCH_MS = quick ? 50 : 1000

const bio = 'Writes about distributed systems, SQL and TypeScript; lives in Lisbon with two cats.'
const everyday = [
  ['literal', 'Lisbon', ''],
  ['anchored literal', '^Writes', ''],
  ['case-insensitive literal', 'typescript', 'i'],
  ['class and quantifier', '\\b[A-Z][a-z]+script\\b', ''],
  ['alternation', 'cats?|dogs?', 'i'],
]
const catastrophic = ['^(a|a)*$', '^(a+)+$', '(a*)*b', '^(\\w+\\s?)*$', '(x+x+)+y', '^(a|aa)+$']

/** Nanoseconds per call of `fn`, over MATCH_MS of calls. */
function perCall(fn) {
  let calls = 0
  const start = performance.now()
  let now = start
  while (now - start < MATCH_MS) {
    for (let i = 0; i < 1000; i++) fn()
    calls += 1000
    now = performance.now()
  }
  return ((now - start) * 1e6) / calls
}

/** A pattern inside a Markdown table cell: its pipes escaped. */
function cell(source) {
  return source.replaceAll('|', '\\|')
}

function re2(source, flags) {
  let bits = 0
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE
  return RE2JS.compile(RE2JS.translateRegExp(source), bits)
}

console.log(`## One match on an 80-character field (ns per match${quick ? ', quick run' : ''})\n`)
console.log('| pattern | native RegExp | RE2JS | weftjs/data `$regex` |')
console.log('| --- | ---: | ---: | ---: |')
const db = await connect('memory:')
const docs = db.collection('docs')
await docs.insertMany(Array.from({ length: 1000 }, () => ({ bio })))
for (const [name, source, flags] of everyday) {
  const native = new RegExp(source, flags)
  const linear = re2(source, flags)
  const nativeNs = perCall(() => native.test(bio))
  const re2Ns = perCall(() => linear.test(bio))
  // A whole find over 1,000 documents, divided per document: the real path of a query.
  const filter = { bio: { $regex: source, $options: flags } }
  const runs = quick ? 3 : 30
  const start = performance.now()
  for (let i = 0; i < runs; i++) await docs.find(filter).toArray()
  const weftNs = ((performance.now() - start) * 1e6) / (runs * 1000)
  console.log(
    `| ${name} \`${cell(source)}\` | ${nativeNs.toFixed(0)} | ${re2Ns.toFixed(0)} | ${weftNs.toFixed(0)} |`,
  )
}

console.log('\n## Catastrophic patterns\n')
console.log('| pattern | safe-regex2 says | native, 26 chars | native, 30 chars | RE2JS, 100,000 chars |')
console.log('| --- | --- | ---: | ---: | ---: |')
for (const source of catastrophic) {
  const time = (fn) => {
    const start = performance.now()
    fn()
    return performance.now() - start
  }
  const native = new RegExp(source)
  // The text each pattern backtracks on: runs of its own letter, then a mismatch.
  const letter = source.includes('x') ? 'x' : 'a'
  const subject = (n) => `${letter.repeat(n)}!`
  // Native times grow exponentially: 30 characters is already seconds for some of these.
  const short = time(() => native.test(subject(quick ? 18 : 26)))
  const longer = quick ? Number.NaN : time(() => native.test(subject(30)))
  const linear = re2(source, '')
  const re2Ms = time(() => linear.test(subject(100_000)))
  console.log(
    `| \`${cell(source)}\` | ${safeRegex(source) ? 'safe' : 'unsafe'} | ${short.toFixed(1)} ms | ${Number.isNaN(longer) ? 'skipped' : `${longer.toFixed(0)} ms`} | ${re2Ms.toFixed(1)} ms |`,
  )
}
await db.close()
