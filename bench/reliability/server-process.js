// The server under test, as the soak and the knee start it: a free port, a wait until it
// answers, and the last line sampler.js wrote for it.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { send } from './load.js'

export function freePort() {
  return new Promise((resolve, reject) => {
    const socket = createServer().listen(0, '127.0.0.1', () => {
      const { port } = socket.address()
      socket.close(() => resolve(port))
    })
    socket.on('error', reject)
  })
}

/** Polls `path` until it answers 200 (30 s at most); fails if the process exits first. */
export async function waitUntilServing(child, port, path) {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error('the server exited before serving')
    if ((await send(undefined, port, { path })).status === 200) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error('the server did not start within 30 s')
}

/** The newest sample sampler.js appended to `file`, if any. */
export function lastSample(file) {
  const text = readFileSync(file, 'utf8').trimEnd()
  return text ? JSON.parse(text.slice(text.lastIndexOf('\n') + 1)) : undefined
}
