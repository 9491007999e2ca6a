import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { bold, CliError, cyan, dim, EXIT, log, progress } from '../output.js'
import { parseRuntime } from '../project.js'
import { ownSubpaths, ownVersion, templateFiles } from '../templates/index.js'
import { DATABASES, type DatabaseName, TEMPLATES, type TemplateName } from '../templates/options.js'
import { runScript } from '../templates/project-files.js'

export const newHelp = `Usage: weft new <dir> [--template api|fullstack|realtime] [--db sqlite] [--runtime node] [--no-install]

Creates a Weft app in <dir> (a new or empty folder): strict TypeScript, tests with the
runtime's test runner, a README, .gitignore, .env.example and secure headers on; then
installs its dependencies.

  --template       api (default): a JSON API with modules, schemas and a database
                   fullstack: the API and a server-rendered page with bundled browser code
                   realtime: the API, chat rooms with presence and live notes, and a page
  --db             sqlite (default, embedded), postgres or mongodb
  --runtime        node (default), deno or bun
  --no-install     write the files only
  --weftjs <spec>  the weftjs dependency to write (default: ^${ownVersion()}; a version,
                   or the path of a tarball made by npm pack)
`

export interface NewFlags {
  template?: string
  db?: string
  runtime?: string
  install?: boolean
  weftjs?: string
}

export async function create(positionals: string[], flags: NewFlags): Promise<number> {
  const target = positionals[0]
  if (!target) throw new CliError('weft new needs a folder name', 'weft new my-app', EXIT.usage)
  const dir = resolve(target)
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new CliError(
      `${target} already exists and is not empty`,
      'choose another name, or empty the folder first',
      EXIT.usage,
    )
  }
  const options = {
    name: packageName(basename(dir)),
    template: oneOf<TemplateName>('template', flags.template ?? 'api', TEMPLATES),
    db: oneOf<DatabaseName>('db', flags.db ?? 'sqlite', DATABASES),
    runtime: parseRuntime(flags.runtime ?? 'node'),
    weftjs: weftjsSpec(flags.weftjs),
    subpaths: ownSubpaths(),
  }
  const files = templateFiles(options)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  log(
    `${bold('Created')} ${target} ${dim(`(${options.template}, ${options.db}, ${options.runtime}: ${Object.keys(files).length} files)`)}`,
  )
  const cd = relative(process.cwd(), dir) || '.'
  if (flags.install !== false) await install(dir, cd)
  log(`\nNext:\n  ${cyan(`cd ${cd}`)}`)
  if (flags.install === false) log(`  ${cyan('npm install')}`)
  log(`  ${cyan(runScript(options, 'dev'))}     ${dim('# http://localhost:3000, restarts on change')}`)
  log(`  ${cyan(runScript(options, 'test'))}    ${dim('# the tests')}`)
  return 0
}

/** Installs with the package manager that ran us (npm, bun, pnpm, yarn), showing progress. */
async function install(dir: string, cd: string): Promise<void> {
  const agent = (process.env.npm_config_user_agent ?? 'npm').split('/')[0]
  const manager = ['bun', 'pnpm', 'yarn'].includes(agent) ? agent : 'npm'
  const args = manager === 'npm' ? ['install', '--no-audit', '--no-fund'] : ['install']
  const step = progress(`Installing dependencies with ${manager}`)
  const output: string[] = []
  const code = await new Promise<number>((resolve) => {
    const child = spawn(manager, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', (chunk) => output.push(String(chunk)))
    child.stderr.on('data', (chunk) => output.push(String(chunk)))
    child.once('error', (error) => {
      output.push(String(error))
      resolve(127)
    })
    child.once('exit', (code) => resolve(code ?? 1))
  })
  if (code === 0) return step.done()
  step.fail()
  process.stderr.write(output.join('').split('\n').slice(-30).join('\n'))
  throw new CliError(
    `${manager} install failed (exit ${code}); the app's files are written`,
    `cd ${cd} && ${manager} install, and fix what it reports (network, registry, permissions)`,
  )
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new CliError(`unknown --${flag} "${value}"`, `choose one of ${allowed.join(', ')}`, EXIT.usage)
}

/** A tarball path is written as file:<absolute path>, so the app installs it from anywhere. */
function weftjsSpec(spec: string | undefined): string {
  if (!spec) return `^${ownVersion()}`
  if (/\.(tgz|tar\.gz)$/.test(spec) && !spec.startsWith('file:')) return `file:${resolve(spec)}`
  return spec
}

/** npm's rules for a package name: lower case, URL-safe. */
function packageName(folder: string): string {
  return (
    folder
      .toLowerCase()
      .replace(/[^a-z0-9._~-]+/g, '-')
      .replace(/^[._-]+/, '') || 'weft-app'
  )
}
