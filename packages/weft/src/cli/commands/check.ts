import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { bold, CliError, green, log, red, yellow } from '../output.js'
import { localBin, type Project, readProject } from '../project.js'

export const checkHelp = `Usage: weft check

Runs the app's three checks in turn and stops at the first that fails:
  typecheck   tsc --noEmit (deno check on Deno)
  lint        biome check when @biomejs/biome is installed (deno lint on Deno)
  test        the app's "test" script
Exit code 0 when all pass, 1 when one fails.
`

interface Step {
  name: string
  command: string
  args: string[]
  /** Why the step cannot run here; it is then reported and skipped. */
  missing?: string
}

export async function check(): Promise<number> {
  const project = readProject(process.cwd())
  for (const step of stepsFor(project)) {
    log(bold(`▸ ${step.name}`))
    if (step.missing) {
      log(yellow(`  skipped: ${step.missing}`))
      continue
    }
    const started = performance.now()
    const result = spawnSync(step.command, step.args, { cwd: project.dir, stdio: 'inherit' })
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    if (result.status !== 0) {
      log(red(`✗ ${step.name} failed (${seconds}s)`))
      throw new CliError(
        `weft check: ${step.name} failed`,
        `fix what ${step.name} reported above, then run \`weft check\` again`,
      )
    }
    log(green(`✓ ${step.name} (${seconds}s)`))
  }
  return 0
}

function stepsFor(project: Project): Step[] {
  const { dir, runtime } = project
  const packageManager = runtime === 'node' ? 'npm' : localBin(dir, runtime)
  const test: Step =
    existsSync(join(dir, 'package.json')) && project.packageJson.scripts?.test
      ? {
          name: 'test',
          command: packageManager,
          args: runtime === 'deno' ? ['task', 'test'] : ['run', 'test'],
        }
      : { name: 'test', command: '', args: [], missing: 'package.json has no "test" script' }
  if (runtime === 'deno') {
    const deno = localBin(dir, 'deno')
    return [
      { name: 'typecheck', command: deno, args: ['check', project.entry] },
      { name: 'lint', command: deno, args: ['lint'] },
      test,
    ]
  }
  const tsc = join(dir, 'node_modules/.bin/tsc')
  const biome = join(dir, 'node_modules/.bin/biome')
  return [
    existsSync(tsc)
      ? { name: 'typecheck', command: tsc, args: ['--noEmit'] }
      : {
          name: 'typecheck',
          command: '',
          args: [],
          missing: 'typescript is not installed: npm install -D typescript',
        },
    existsSync(biome)
      ? { name: 'lint', command: biome, args: ['check', '.'] }
      : {
          name: 'lint',
          command: '',
          args: [],
          missing: 'no linter installed: npm install -D @biomejs/biome',
        },
    test,
  ]
}
