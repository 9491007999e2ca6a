// Private Redis and NATS servers for the broker tests, each on a free port, so a test can
// stop and start its own broker without touching the shared ones other tests use.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface BrokerServer {
  url: string
  stop(): Promise<void>
  start(): Promise<void>
}

const BINARIES = {
  redis: ['redis-server', '/usr/bin/redis-server'],
  nats: ['nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server'],
}

/** The server binary for a broker, or null when it is not installed. */
export function brokerBinary(kind: 'redis' | 'nats'): string | null {
  for (const candidate of BINARIES[kind]) {
    if (candidate.startsWith('/') ? existsSync(candidate) : spawnSync('which', [candidate]).status === 0)
      return candidate
  }
  return null
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function listening(port: number, ms = 10_000): Promise<void> {
  const started = Date.now()
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() - started > ms) throw new Error(`broker on port ${port} did not start`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Starts a private broker server; `stop()` and `start()` again keep its port. */
export async function startBrokerServer(kind: 'redis' | 'nats'): Promise<BrokerServer> {
  const binary = brokerBinary(kind)
  if (!binary) throw new Error(`${kind} server is not installed`)
  const port = await freePort()
  const args =
    kind === 'redis'
      ? ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
      : // JetStream on, in a directory of its own: it holds the shared replay window.
        ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', mkdtempSync(join(tmpdir(), 'weft-nats-'))]
  let child: ChildProcess | null = null
  const server: BrokerServer = {
    url: `${kind}://127.0.0.1:${port}`,
    async start() {
      child = spawn(binary, args, { stdio: 'ignore' })
      await listening(port)
    },
    async stop() {
      const running = child
      child = null
      if (!running || running.exitCode !== null) return
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.kill('SIGKILL')
      await exited
    },
  }
  await server.start()
  return server
}
