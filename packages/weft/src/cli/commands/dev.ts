import type { ChildProcess } from 'node:child_process'
import { existsSync, type FSWatcher, mkdirSync, readdirSync, statSync, watch } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import type { BuildContext, BuildResult, Message } from 'esbuild'
import { exitCodeOf, startChild, stopChild, waitForPort } from '../child.js'
import { clientEntries, DEV_CLIENT_DIR, watchClient } from '../client-build.js'
import { Standby } from '../dev-standby.js'
import { loadEsbuild } from '../esbuild.js'
import { bold, colorEnabled, cyan, dim, green, log, red, yellow } from '../output.js'
import { type Project, readProject, runtimeCommand } from '../project.js'

export const devHelp = `Usage: weft dev [entry] [--port 3000] [--runtime node|deno|bun]

Runs the app's TypeScript and restarts it when a source file changes, on the same port,
with development error detail on (NODE_ENV=development). On Node, esbuild compiles the
app (a compile error is shown with its file and line, and the last good version keeps
running); Deno and Bun run TypeScript natively with their own --watch.

  entry            the server's entry file (default: "weft.entry" in package.json, or src/main.ts)
  --port           the port the app is given as PORT (default: $PORT, else 3000)
  --runtime        node (default), deno or bun
`

export async function dev(
  positionals: string[],
  flags: { runtime?: string; port?: string },
): Promise<number> {
  const project = readProject(process.cwd(), { runtime: flags.runtime, entry: positionals[0] })
  const port = Number(flags.port ?? process.env.PORT ?? 3000)
  log(
    `${bold('weft dev')} ${dim(`${project.entry} on ${project.runtime}`)}  ${cyan(`http://localhost:${port}`)}`,
  )
  const client = clientEntries(project).length
    ? await watchClient(await loadEsbuild(project.dir), project, (errors) =>
        printCompileErrors(errors, 'the browser code'),
      )
    : null
  const env = {
    NODE_ENV: 'development',
    PORT: String(port),
    // Where the app's pages find the browser code and its manifest while in development.
    ...(client ? { CLIENT_DIR: DEV_CLIENT_DIR } : {}),
  }
  if (project.runtime !== 'node') return runNativeWatch(project, env)
  return new NodeDevServer(project, port, env).run()
}

/** Deno and Bun watch and restart TypeScript themselves. */
function runNativeWatch(project: Project, env: NodeJS.ProcessEnv): Promise<number> {
  const { command, args } = runtimeCommand(project, project.entry, { watch: true })
  const child = startChild(command, args, project.dir, env)
  forwardSignals(child)
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(exitCodeOf(code, signal))))
}

function forwardSignals(child: ChildProcess, stop?: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      await (stop ? stop() : stopChild(child))
      process.exit(0)
    })
  }
}

/** Folders and files a change in which is not a change of the app. */
const IGNORED = /^(node_modules|dist|\.weft|\.git|data)$|~$|\.swp$|^\.#/
/** Files whose change is worth a rebuild. */
const SOURCE = /\.([cm]?[jt]sx?|json)$|(^|[\\/])\.env$/

/**
 * Node: esbuild compiles the entry (packages left in node_modules) into .weft/dev/, a
 * watcher on the source folders triggers an incremental rebuild, and a good build
 * replaces the running process. A failed build is printed and the old process stays.
 */
class NodeDevServer {
  private child: ChildProcess | null = null
  private context: BuildContext | null = null
  private watchers: FSWatcher[] = []
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly pending = new Set<string>()
  /** Children this server stopped on purpose: their exit is not news. */
  private readonly stopped = new WeakSet<ChildProcess>()
  private building: Promise<void> = Promise.resolve()
  private readonly outfile: string
  private readonly standby: Standby

  constructor(
    private readonly project: Project,
    private readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.outfile = join(project.dir, '.weft/dev/server.mjs')
    mkdirSync(dirname(this.outfile), { recursive: true })
    this.standby = new Standby(this.outfile, (script) => runtimeCommand(project, script), project.dir, env)
  }

  async run(): Promise<number> {
    const esbuild = await loadEsbuild(this.project.dir)
    this.context = await esbuild.context({
      absWorkingDir: this.project.dir,
      entryPoints: [this.project.entry],
      outfile: this.outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      metafile: true,
    })
    this.watchSources()
    await this.rebuild(null)
    const stop = async () => {
      for (const watcher of this.watchers) watcher.close()
      this.standby.discard()
      if (this.child) {
        this.stopped.add(this.child)
        await stopChild(this.child)
      }
      await this.context?.dispose()
    }
    // Should weft dev itself fail, the app must not outlive it holding the port.
    process.once('exit', () => {
      this.child?.kill('SIGKILL')
      this.standby.discard()
    })
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void stop().then(() => process.exit(0)))
    }
    return new Promise<number>(() => {}) // runs until interrupted
  }

  /**
   * The entry's top folder (src/) and every folder under it, and the app folder itself for
   * .env and config. One non-recursive watcher per folder: Node's recursive mode on Linux
   * loses a file that an editor replaces by renaming.
   */
  private watchSources(): void {
    const top = this.project.entry.split(/[\\/]/)[0]
    const sourceDir = join(this.project.dir, top)
    if (existsSync(sourceDir) && sourceDir !== this.project.dir) this.watchTree(sourceDir)
    this.watchers.push(
      watch(this.project.dir, (_, file) => {
        if (!file || !/^(\.env|package\.json|tsconfig\.json)$/.test(file)) return
        this.standby.discard() // it was started with the old environment and packages
        this.changed(file)
      }),
    )
  }

  private watchTree(dir: string): void {
    this.watchers.push(
      watch(dir, (_, name) => {
        if (!name || IGNORED.test(name)) return
        const path = join(dir, name)
        if (existsSync(path) && statSync(path).isDirectory()) this.watchTree(path)
        this.changed(relative(this.project.dir, path))
      }),
    )
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !IGNORED.test(entry.name)) this.watchTree(join(dir, entry.name))
    }
  }

  /** Changes within 50 ms make one rebuild; editors' temporary files are no change. */
  private changed(file: string): void {
    if (!SOURCE.test(file)) return
    this.pending.add(file)
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      const files = [...this.pending].filter((f) => existsSync(join(this.project.dir, f)))
      this.pending.clear()
      this.building = this.building.then(() => this.rebuild(files.join(', ') || 'a file'))
    }, 50)
  }

  private async rebuild(changed: string | null): Promise<void> {
    const started = performance.now()
    let packages: string[]
    try {
      packages = packagesImported(await this.context!.rebuild())
    } catch (error) {
      const errors = (error as { errors?: Message[] }).errors
      await printCompileErrors(errors?.length ? errors : String(error), 'the server')
      if (this.child) process.stderr.write('the last good version keeps running\n')
      return
    }
    if (this.child) {
      this.stopped.add(this.child)
      await stopChild(this.child)
    }
    const { command, args } = runtimeCommand(this.project, this.outfile)
    const child = this.standby.take() ?? startChild(command, args, this.project.dir, this.env)
    this.child = child
    child.once('exit', (code, signal) => {
      if (!this.stopped.has(child)) {
        log(yellow(`the app exited (${exitCodeOf(code, signal)}); weft dev restarts it when you save a file`))
      }
    })
    const up = await waitForPort(this.port, child)
    const ms = Math.round(performance.now() - started)
    if (!up) return
    if (changed) log(`${green('↻')} ${changed} changed, restarted in ${ms} ms`)
    else log(`${green('✓')} ready in ${ms} ms ${dim('— watching for changes, Ctrl-C to stop')}`)
    this.standby.prepare(packages)
  }
}

/** The packages a build imports statically, in its order (what its first statements load). */
function packagesImported(result: BuildResult): string[] {
  const imports = Object.values(result.metafile?.outputs ?? {}).flatMap((output) => output.imports)
  return imports.filter((i) => i.external && i.kind === 'import-statement').map((i) => i.path)
}

/** esbuild's messages with file, line and the code under them, then what to do. */
async function printCompileErrors(errors: Message[] | string, what: string): Promise<void> {
  const esbuild = await loadEsbuild(process.cwd())
  const text =
    typeof errors === 'string'
      ? `${errors}\n`
      : (await esbuild.formatMessages(errors, { kind: 'error', color: colorEnabled() })).join('')
  process.stderr.write(text)
  process.stderr.write(`${red('✗ compile failed', process.stderr)} (${what}): fix the error above and save\n`)
}
