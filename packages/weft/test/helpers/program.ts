import { spawn } from 'node:child_process'

/** A program started by a test that printed the http:// address it listens on. */
export interface ListeningProgram {
  url: string
  /** Everything the program wrote so far, stdout and stderr. */
  output(): string
  stop(): Promise<void>
}

export interface StartOptions {
  cwd: string
  env?: Record<string, string>
  timeoutMs?: number
}

/**
 * Runs `command` and resolves once it prints an http://127.0.0.1 or http://localhost
 * address (the first one on stdout or stderr); rejects with its output if it exits first or
 * stays silent past the timeout.
 */
export async function startListening(
  command: string,
  args: string[],
  options: StartOptions,
): Promise<ListeningProgram> {
  const outcome = await listenOrExit(command, args, options)
  if ('url' in outcome) return outcome
  throw new Error(
    `${command} ${args.join(' ')} exited (${outcome.code}) before printing an address. Output:\n${outcome.output}`,
  )
}

/** How a program ended when it printed no address. */
export interface ExitedProgram {
  code: number | string
  output: string
}

/** Like startListening(), but a program that exits before printing an address is an answer too. */
export function listenOrExit(
  command: string,
  args: string[],
  options: StartOptions,
): Promise<ListeningProgram | ExitedProgram> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('printed no address'), options.timeoutMs ?? 30_000)
    function fail(why: string) {
      clearTimeout(timer)
      void stop().then(() => reject(new Error(`${command} ${args.join(' ')} ${why}. Output:\n${output}`)))
    }
    const onData = (chunk: string) => {
      output += chunk
      const address = /http:\/\/(?:127\.0\.0\.1|localhost):\d+/.exec(output)
      if (!address) return
      clearTimeout(timer)
      resolve({ url: address[0], output: () => output, stop })
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    // 'close', not 'exit': all of its output has been read by then.
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? signal ?? -1, output })
    })
  })
}
