import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Runtime } from '../runtimes/runtimes.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const packageDir = join(here, '../..')

/** A fixture server running as a child process under one runtime. */
export interface RunningServer {
  runtime: Runtime
  url: string
  port: number
  child: ChildProcess
  /** Resolves with the first JSON line on stdout matching `event`. */
  nextEvent(event: string, timeoutMs?: number): Promise<void>
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>
  /** What the process wrote to stderr, for failure messages. */
  stderr(): string
  stop(): Promise<void>
}

/** What a script needs beyond the defaults: environment values, the folders Deno may read. */
export interface StartOptions {
  /** Changes to the environment; undefined removes a variable (NODE_ENV is 'production' unless changed). */
  env?: Record<string, string | undefined>
  /** The only folders Deno may read; default this folder. */
  denoAllowRead?: string[]
  /** Folders Deno may write; default none. */
  denoAllowWrite?: string[]
}

/** The arguments that run `script` (relative to this folder) under `runtime`. */
export function commandFor(runtime: Runtime, script: string, options: StartOptions = {}): [string, string[]] {
  const args = [...(runtime.args ?? [])]
  // Deno gets one readable directory, the app's own, and nothing else.
  if (runtime.name === 'deno') {
    args.push(`--allow-read=${(options.denoAllowRead ?? [here]).join(',')}`)
    if (options.denoAllowWrite) args.push(`--allow-write=${options.denoAllowWrite.join(',')}`)
  }
  return [runtime.bin!, [...args, join(here, script)]]
}

/** Starts `main.ts` (or another script) under `runtime` and waits for its address line. */
export function startServer(
  runtime: Runtime,
  script = 'main.ts',
  timeoutMs = 30_000,
  options: StartOptions = {},
): Promise<RunningServer> {
  const [command, args] = commandFor(runtime, script, options)
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    NODE_ENV: 'production',
    NO_COLOR: '1',
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  const child = spawn(command, args, {
    cwd: packageDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  )
  const lines: Record<string, unknown>[] = []
  const waiters: { match: (line: Record<string, unknown>) => boolean; resolve: () => void }[] = []
  let buffered = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    let newline = buffered.indexOf('\n')
    while (newline !== -1) {
      const text = buffered.slice(0, newline).trim()
      buffered = buffered.slice(newline + 1)
      newline = buffered.indexOf('\n')
      if (!text.startsWith('{')) continue
      const line = JSON.parse(text) as Record<string, unknown>
      const waiter = waiters.findIndex((w) => w.match(line))
      if (waiter === -1) lines.push(line)
      else waiters.splice(waiter, 1)[0].resolve()
    }
  })
  const waitFor = (match: (line: Record<string, unknown>) => boolean, ms: number, what: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = lines.findIndex(match)
      if (seen !== -1) return resolve(lines.splice(seen, 1)[0])
      const timer = setTimeout(() => {
        reject(new Error(`${runtime.label}: no ${what} within ${ms} ms. stderr:\n${stderr}`))
      }, ms)
      let found: Record<string, unknown> | undefined
      waiters.push({
        match: (line) => {
          if (!match(line)) return false
          found = line
          return true
        },
        resolve: () => {
          clearTimeout(timer)
          resolve(found!)
        },
      })
      exited.then((code) => {
        clearTimeout(timer)
        reject(new Error(`${runtime.label} exited (${code}) before ${what}. stderr:\n${stderr}`))
      })
    })

  return waitFor((line) => typeof line.url === 'string', timeoutMs, 'address line').then((line) => ({
    runtime,
    url: line.url as string,
    port: line.port as number,
    child,
    exited,
    stderr: () => stderr,
    nextEvent: (event, ms = 5000) => waitFor((l) => l.event === event, ms, `"${event}" event`).then(() => {}),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }))
}
