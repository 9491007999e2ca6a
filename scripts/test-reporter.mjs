// The reporter `npm test` uses: one line per top-level suite or test while the run goes, then every
// skip with its reason and every failure with its error, then the test runner's own
// closing counts (`# tests`, `# pass`, `# fail`, ...) exactly as its TAP reporter prints them.
import { relative } from 'node:path'
import { inspect } from 'node:util'

const cwd = process.cwd()
const color = process.stdout.isTTY && !process.env.NO_COLOR
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
const green = (text) => paint(32, text)
const red = (text) => paint(31, text)
const yellow = (text) => paint(33, text)

/** Whether an event is the wrapper Node reports for a whole test file. */
function isFileEvent(data) {
  return data.nesting === 0 && data.file && (data.name === data.file || data.file.endsWith(`/${data.name}`))
}

/** The error a test failed with: the thrown value, not the runner's wrapper around it. */
function describeError(error) {
  const thrown =
    error?.failureType === 'testCodeFailure' || error?.code === 'ERR_TEST_FAILURE' ? error.cause : error
  if (thrown instanceof Error || (thrown && typeof thrown === 'object' && 'stack' in thrown)) {
    const stack = String(thrown.stack ?? thrown.message)
      .split('\n')
      .filter((line) => !/node:internal|node_modules/.test(line))
      .slice(0, 12)
      .join('\n')
    const extra =
      'actual' in thrown
        ? `\n${inspect({ expected: thrown.expected, actual: thrown.actual }, { depth: 4 })}`
        : ''
    return `${stack}${extra}`
  }
  return inspect(thrown ?? error, { depth: 4 })
}

export default async function* report(source) {
  const pending = new Map() // per file: tests finished since its last top-level line
  const stderr = new Map()
  const skips = []
  const failures = []
  const summary = []
  const countsOf = (file) => {
    if (!pending.has(file)) pending.set(file, { pass: 0, fail: 0, skip: 0, todo: 0 })
    return pending.get(file)
  }

  // test:pass and test:fail come in report order: a suite's after all of its tests.
  for await (const { type, data } of source) {
    if (type === 'test:stderr' && data.file)
      stderr.set(data.file, (stderr.get(data.file) ?? '') + data.message)
    else if (type === 'test:diagnostic' && data.nesting === 0) summary.push(data.message)
    if ((type !== 'test:pass' && type !== 'test:fail') || !data.file) continue
    const where = relative(cwd, data.file)
    const c = countsOf(data.file)
    if (isFileEvent(data)) {
      // The file itself failed: it did not load, or it exited before its tests finished.
      if (type === 'test:fail') {
        failures.push({
          where,
          name: '(the file)',
          error: describeError(data.details?.error),
          file: data.file,
        })
        yield `${red('✖')} ${where}  did not finish\n`
      }
      continue
    }
    if (data.details?.type !== 'suite') {
      if (type === 'test:fail') {
        // A test whose subtests failed repeats what they said.
        if (data.details?.error?.failureType !== 'subtestsFailed') {
          c.fail++
          failures.push({ where, name: data.name, error: describeError(data.details?.error) })
        }
      } else if (data.skip !== undefined) {
        c.skip++
        skips.push(`${where} › ${data.name}${typeof data.skip === 'string' ? `: ${data.skip}` : ''}`)
      } else if (data.todo !== undefined) c.todo++
      else c.pass++
    }
    if (data.nesting !== 0) continue
    const parts = [`${c.pass} passed`]
    if (c.fail) parts.push(red(`${c.fail} failed`))
    if (c.skip) parts.push(yellow(`${c.skip} skipped`))
    if (c.todo) parts.push(`${c.todo} todo`)
    const seconds = ((data.details?.duration_ms ?? 0) / 1000).toFixed(1)
    yield `${c.fail ? red('✖') : green('✔')} ${where} › ${data.name}  ${parts.join(', ')}  (${seconds} s)\n`
    pending.delete(data.file)
  }

  // A skip whose reason says NOT RUN is a whole store or service this machine cannot run
  // (MongoDB without MONGODB_URL): listed apart, every run, so it is never mistaken for covered.
  const notRun = skips.filter((skip) => skip.includes('NOT RUN'))
  const otherSkips = skips.filter((skip) => !skip.includes('NOT RUN'))
  if (otherSkips.length) {
    yield `\n${yellow(`Skipped (${otherSkips.length}):`)}\n`
    for (const skip of otherSkips) yield `  - ${skip}\n`
  }
  if (notRun.length) {
    yield `\n${yellow(`Not run (${notRun.length}), the code they cover is untested here:`)}\n`
    for (const skip of notRun) yield `  - ${skip}\n`
  }
  if (failures.length) {
    yield `\n${red(`Failed (${failures.length}):`)}\n`
    for (const { where, name, error, file } of failures) {
      yield `\n  ${red('✖')} ${where} › ${name}\n`
      yield `${indent(error)}\n`
      if (file && stderr.get(file)) yield `${indent(`stderr:\n${stderr.get(file).trimEnd()}`)}\n`
    }
  }
  yield '\n'
  for (const line of summary) yield `# ${line}\n`
}

function indent(text) {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')
}
