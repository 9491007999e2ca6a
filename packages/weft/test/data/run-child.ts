// Spawns a TypeScript test script the way the test runner runs tests, and reads its
// stdout line by line.

import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))

export function spawnScript(script: string, args: string[]): ChildProcess {
  const path = fileURLToPath(new URL(script, import.meta.url))
  return spawn(process.execPath, ['--import', 'tsx', '--conditions=source', path, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
}

/** Calls `onLine` for each stdout line; resolves when the process exits. */
export function readLines(child: ChildProcess, onLine: (line: string) => void): Promise<number | null> {
  let buffered = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    buffered += chunk
    let newline = buffered.indexOf('\n')
    while (newline >= 0) {
      onLine(buffered.slice(0, newline))
      buffered = buffered.slice(newline + 1)
      newline = buffered.indexOf('\n')
    }
  })
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)))
}
