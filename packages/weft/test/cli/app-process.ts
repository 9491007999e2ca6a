// Running commands in a scaffolded app: to completion, or in the background while the
// test reads what they print.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'

export interface Finished {
  status: number | null
  output: string
}

export function runIn(cwd: string, env: NodeJS.ProcessEnv, command: string, args: string[]): Finished {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

/** A command left running; `waitFor` resolves once its output matches. */
export class Background {
  readonly child: ChildProcess
  private text = ''
  private readonly waiters = new Set<() => void>()

  constructor(cwd: string, env: NodeJS.ProcessEnv, command: string, args: string[]) {
    this.child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const read = (chunk: Buffer) => {
      this.text += String(chunk)
      for (const waiter of this.waiters) waiter()
    }
    this.child.stdout!.on('data', read)
    this.child.stderr!.on('data', read)
    this.child.once('exit', () => {
      for (const waiter of this.waiters) waiter()
    })
  }

  get output(): string {
    return this.text
  }

  /** Resolves with the output once `pattern` matches output printed after `from`. */
  waitFor(pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (pattern.test(this.text.slice(from))) {
          cleanup()
          resolve(this.text)
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          cleanup()
          reject(new Error(`exited before printing ${pattern}:\n${this.text}`))
        }
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.text}`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        this.waiters.delete(check)
      }
      this.waiters.add(check)
      check()
    })
  }

  /** SIGINT, as Ctrl-C sends; resolves with the exit code. */
  stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null)
      return Promise.resolve(this.child.exitCode)
    return new Promise((resolve) => {
      this.child.once('exit', (code) => resolve(code))
      this.child.kill('SIGINT')
    })
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
