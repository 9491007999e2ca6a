// Starts writer-child.ts and hands it batches of writes: the other process of the
// two-process convergence test.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Op } from './model.ts'

export interface RemoteWriter {
  write(collection: string, ops: Op[]): Promise<void>
  close(): Promise<void>
}

export async function remoteWriter(url: string): Promise<RemoteWriter> {
  const script = fileURLToPath(new URL('./writer-child.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', script, url], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  // Kept to name the cause when the child dies: the runner does not show a child's stderr.
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000)
  })
  const waiting: { resolve(): void; reject(error: Error): void }[] = []
  let buffered = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      buffered = buffered.slice(newline + 1)
      waiting.shift()?.resolve()
    }
  })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const reply = () => new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }))
  // A child that dies fails the test, with its own words, instead of leaving it waiting.
  child.on('exit', (code) => {
    const error = new Error(`the writer process exited (${code}) with a batch pending:\n${stderr}`)
    for (const pending of waiting.splice(0)) pending.reject(error)
  })
  await reply()
  let queue = Promise.resolve()
  return {
    write(collection, ops) {
      const done = queue.then(() => {
        const answer = reply()
        child.stdin.write(`${JSON.stringify({ collection, ops })}\n`)
        return answer
      })
      queue = done
      return done
    },
    async close() {
      child.stdin.end()
      await exited
    },
  }
}
