// Process helpers both realtime suites share: servers pinned to core 0, load to core 1,
// with the file limit raised, talking to the runner in JSON lines on stdout.
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const pin = availableParallelism() >= 2 && !spawnSync('taskset', ['-c', '0', 'true']).error

/** Runs `command` with the file limit raised (20,000 here: ~19,900 sockets a process), pinned to `core`. */
export function pinned(core, command, args, env = {}, stdin = 'ignore') {
  const line = [...(pin ? ['taskset', '-c', String(core)] : []), command, ...args]
    .map((a) => `'${a}'`)
    .join(' ')
  return spawn('sh', ['-c', `ulimit -n 20000 2>/dev/null || ulimit -n 4096; exec ${line}`], {
    cwd: here,
    env: { ...process.env, ...env },
    stdio: [stdin, 'pipe', 'inherit'],
  })
}

/** Reads a child's stdout as JSON lines: `next()` resolves with the next one. */
export function jsonLines(child) {
  const queue = []
  const waiting = []
  let out = ''
  let exited = null
  child.stdout.on('data', (chunk) => {
    out += chunk
    for (let newline = out.indexOf('\n'); newline !== -1; newline = out.indexOf('\n')) {
      const text = out.slice(0, newline)
      out = out.slice(newline + 1)
      // A server may log more after its first line; only JSON lines are messages.
      let line
      try {
        line = JSON.parse(text)
      } catch {
        continue
      }
      if (waiting.length) waiting.shift().resolve(line)
      else queue.push(line)
    }
  })
  child.once('exit', (code) => {
    exited = new Error(`exited ${code} before printing`)
    for (const { reject } of waiting.splice(0)) reject(exited)
  })
  return {
    next: () =>
      queue.length
        ? Promise.resolve(queue.shift())
        : exited
          ? Promise.reject(exited)
          : new Promise((resolve, reject) => waiting.push({ resolve, reject })),
  }
}

export const firstLine = (child) => jsonLines(child).next()

export async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}
