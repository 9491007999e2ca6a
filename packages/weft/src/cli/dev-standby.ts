// weft dev on Node: the next app process, started ahead. Most of a restart is Node loading
// the app's packages (weftjs, a schema library, drivers: hundreds of modules), which do
// not change when the app's own code does. A standby process loads them while the current
// version serves, then waits; on a change it runs the new build, and only the app's own
// code is left to load.
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/**
 * The standby's script, written beside the build so that packages resolve from the app as
 * the build's own imports do. It imports them one after another, in the build's order:
 * an ES module evaluates its static imports in that order before any of its code, so
 * loading them early changes nothing but the time it happens. On "run" it becomes the
 * app: process.argv[1] names the build, as if Node had been started on it.
 */
const SCRIPT = `import { fileURLToPath } from 'node:url'
let loaded
process.on('message', async (message) => {
  if (message.packages) {
    loaded = (async () => {
      for (const name of message.packages) await import(name).catch(() => {})
    })()
    return
  }
  await loaded
  process.argv[1] = fileURLToPath(new URL(message.entry, import.meta.url))
  process.disconnect()
  await import(message.entry)
})
`

export class Standby {
  private child: ChildProcess | null = null
  private readonly script: string
  private readonly entry: string

  constructor(
    outfile: string,
    /** How the runtime is started on a script (flags, .env). */
    private readonly commandFor: (script: string) => { command: string; args: string[] },
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.script = join(dirname(outfile), 'standby.mjs')
    this.entry = `./${basename(outfile)}`
    writeFileSync(this.script, SCRIPT)
  }

  /** Starts the next process, loading `packages` (the build's static imports of packages). */
  prepare(packages: string[]): void {
    this.discard()
    const { command, args } = this.commandFor(this.script)
    const child = spawn(command, args, {
      cwd: this.cwd,
      env: { ...process.env, ...this.env },
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    })
    child.on('error', () => {}) // a standby that cannot start is replaced by a plain start
    child.send({ packages })
    this.child = child
  }

  /** The standby, told to run the build; null when there is none alive to take. */
  take(): ChildProcess | null {
    const child = this.child
    this.child = null
    if (!child?.connected || child.exitCode !== null) {
      child?.kill('SIGKILL')
      return null
    }
    child.send({ entry: this.entry })
    return child
  }

  /** Drops the standby: its environment is out of date, or weft dev is stopping. */
  discard(): void {
    this.child?.kill('SIGKILL')
    this.child = null
  }
}
