// Running the app as a child process: one place that spawns it with the right
// environment, stops it gracefully (then firmly), and waits for its port to answer.
import { type ChildProcess, spawn } from 'node:child_process'
import { connect } from 'node:net'

export function startChild(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): ChildProcess {
  return spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: 'inherit' })
}

/** SIGTERM (the app's graceful shutdown), SIGKILL after `graceMs`; resolves once it has exited. */
export function stopChild(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** Resolves true once something accepts connections on the port, false after `timeoutMs` or if the child exits. */
export async function waitForPort(
  port: number,
  child: ChildProcess,
  timeoutMs = 15_000,
  host = '127.0.0.1',
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false
    if (await accepts(port, host)) return true
    await new Promise((r) => setTimeout(r, 15))
  }
  return false
}

function accepts(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** The exit code a child's end means for us: its own code, or 128 + signal number. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1
}
