// What the `weft` command prints: colour only on a terminal and never under NO_COLOR
// (https://no-color.org), progress for long steps, and errors that say what to do next.

const useColor = (stream: NodeJS.WriteStream) =>
  stream.isTTY === true &&
  !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') &&
  process.env.TERM !== 'dumb'

function paint(code: number) {
  return (text: string, stream: NodeJS.WriteStream = process.stdout) =>
    useColor(stream) ? `\x1b[${code}m${text}\x1b[0m` : text
}

export const bold = paint(1)
export const dim = paint(2)
export const red = paint(31)
export const green = paint(32)
export const yellow = paint(33)
export const cyan = paint(36)

/** Whether esbuild and child processes may colour their own output. */
export const colorEnabled = () => useColor(process.stderr)

/** Exit codes: 0 done, 1 the step failed (build, tests, missing package), 2 the command was used wrongly. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

/**
 * A failure the user can act on: what went wrong, then what to do next. `main` prints it
 * without a stack and exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

export function printError(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`${red('error', process.stderr)} ${error.message}\n`)
    process.stderr.write(`${dim('next: ', process.stderr)}${error.hint}\n`)
    return error.exitCode
  }
  process.stderr.write(`${red('error', process.stderr)} ${(error as Error)?.stack ?? String(error)}\n`)
  process.stderr.write('next: this is a bug in weft; please report it with the command you ran\n')
  return EXIT.failed
}

export const log = (line = '') => process.stdout.write(`${line}\n`)

/**
 * Shows a long step as it runs: a spinner with the elapsed seconds on a terminal, one
 * start line and one end line otherwise (CI logs stay readable).
 */
export function progress(label: string): { done(summary?: string): void; fail(): void } {
  const started = performance.now()
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`
  const tty = process.stdout.isTTY === true
  let timer: ReturnType<typeof setInterval> | undefined
  if (tty) {
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
    let frame = 0
    timer = setInterval(() => {
      process.stdout.write(`\r${cyan(frames[frame++ % frames.length])} ${label} ${dim(elapsed())}  `)
    }, 100)
    timer.unref()
  } else {
    log(`… ${label}`)
  }
  const finish = (mark: string, summary?: string) => {
    if (timer) clearInterval(timer)
    if (tty) process.stdout.write('\r\x1b[2K')
    log(`${mark} ${label}${summary ? ` ${summary}` : ''} ${dim(`(${elapsed()})`)}`)
  }
  return { done: (summary) => finish(green('✓'), summary), fail: () => finish(red('✗')) }
}

/** 1234 -> "1.2 kB", the way bundle sizes are read. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`
  return `${(bytes / 1_000_000).toFixed(2)} MB`
}
