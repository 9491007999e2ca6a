// What both suites share to report: medians, package versions and docs/benchmarks.md sections.

import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const DOC = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url))
const require = createRequire(import.meta.url)

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The installed version of a package, even one whose `exports` hide its package.json. */
export function packageVersion(name) {
  try {
    let dir = dirname(require.resolve(name))
    while (dir !== dirname(dir)) {
      const file = join(dir, 'package.json')
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8'))
        if (pkg.name === name) return pkg.version
      }
      dir = dirname(dir)
    }
  } catch {}
  return '?'
}

/** The machine in one line; the load average shows whether something else was running. */
export function machineLine() {
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')
  return (
    `Machine: ${availableParallelism()} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${process.platform}, ` +
    `Node ${process.version}, load average ${load} when the run ended; ${new Date().toISOString().slice(0, 10)}.`
  )
}

/** A two-column table of `rows` under the command that produced it and the machine line. */
export function measureTable(script, argv, rows) {
  return [
    `Command: \`node ${script}${argv.length ? ` ${argv.join(' ')}` : ''}\` (after \`npm run build\`). ${machineLine()}`,
    '',
    '| measure | result |',
    '|---|---|',
    ...rows,
  ].join('\n')
}

/** `--write` or BENCH_WRITE=1 (npm does not pass arguments through the root's nested `npm run`). */
export function writeRequested(argv) {
  return argv.includes('--write') || process.env.BENCH_WRITE === '1'
}

/**
 * Replaces `## <title>` and its text up to the next `## ` heading, leaving every other
 * section as it is (other suites own them); appends the section when it is missing.
 */
export function updateSection(title, body) {
  let doc
  try {
    doc = readFileSync(DOC, 'utf8')
  } catch {
    doc =
      '# Benchmarks\n\nEvery figure here is rerun, not remembered: each section names the command that produced it.\n'
  }
  const section = `## ${title}\n\n${body.trim()}\n`
  const lines = doc.split('\n')
  const start = lines.findIndex((line) => line.trim() === `## ${title}`)
  if (start === -1) {
    writeFileSync(DOC, `${doc.trimEnd()}\n\n${section}`)
    return
  }
  let end = lines.findIndex((line, i) => i > start && line.startsWith('## '))
  if (end === -1) end = lines.length
  // Everything outside the section stays byte for byte as it was.
  const before = lines.slice(0, start).join('\n')
  const after = lines.slice(end).join('\n')
  writeFileSync(DOC, `${before ? `${before}\n` : ''}${section}${after ? `\n${after}` : ''}`)
}

/**
 * Rewrites the tables of `## <title>`, leaving its text as it is (what changed, what is
 * left: written by hand). Each block, a `### heading` and its table, replaces the table
 * under the same heading; `machine`, when given, replaces the section's `Machine:` line.
 */
export function updateTables(title, blocks, machine) {
  const doc = readFileSync(DOC, 'utf8')
  const start = doc.indexOf(`\n## ${title}\n`)
  if (start === -1)
    throw new Error(`docs/benchmarks.md has no "## ${title}": add it with its "### " headings first`)
  const next = doc.indexOf('\n## ', start + 1)
  const end = next === -1 ? doc.length : next
  let section = doc.slice(start, end)
  for (const block of blocks) section = replaceTable(section, block)
  if (machine) section = section.replace(/\nMachine: [^\n]*/, `\n${machine}`)
  writeFileSync(DOC, doc.slice(0, start) + section + doc.slice(end))
}

/** `section` with the table under `block`'s heading (or the bare heading) replaced by `block`. */
function replaceTable(section, block) {
  const heading = block.slice(0, block.indexOf('\n'))
  const at = section.indexOf(`\n${heading}\n`)
  if (at === -1)
    throw new Error(`docs/benchmarks.md has no "${heading}" in its section: add the heading first`)
  const nextHeading = section.indexOf('\n#', at + 1)
  let tableEnd = section.indexOf('\n|', at)
  if (tableEnd === -1 || (nextHeading !== -1 && tableEnd > nextHeading)) tableEnd = at + heading.length + 1
  while (section.startsWith('\n|', tableEnd)) {
    const lineEnd = section.indexOf('\n', tableEnd + 1)
    tableEnd = lineEnd === -1 ? section.length : lineEnd
  }
  return `${section.slice(0, at + 1)}${block.trimEnd()}${section.slice(tableEnd)}`
}

const LOCK = '/tmp/weft-bench.lock'

/**
 * Runs the calling script again under `flock` on one machine-wide lock, so two benchmarks
 * never share the cores (each would spoil the other's figures); returns only inside the lock.
 * Other suites on this machine should take the same lock. Also warns when the machine is busy.
 */
export function holdBenchLock() {
  if (process.env.WEFT_BENCH_LOCKED === '1' || spawnSync('flock', ['--version']).error) return warnIfBusy()
  if (spawnSync('flock', ['-n', LOCK, 'true']).status !== 0)
    console.log(`Waiting for ${LOCK}: another benchmark is running`)
  const run = spawnSync('flock', [LOCK, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, WEFT_BENCH_LOCKED: '1' },
  })
  process.exit(run.status ?? 1)
}

function warnIfBusy() {
  const [load] = loadavg()
  if (load > availableParallelism() / 2) {
    console.log(
      `Warning: load average ${load.toFixed(2)} on ${availableParallelism()} cores; something else is running.`,
    )
  }
}
