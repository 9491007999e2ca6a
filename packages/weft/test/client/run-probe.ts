// Runs a client probe script on another runtime (Deno or Bun) and returns its last line
// of output, parsed. Deno may read the package's files and nothing else.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Runtime } from '../runtimes/runtimes.mjs'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '../..')

export async function runProbe(
  runtime: Runtime,
  probe: string,
  env: Record<string, string>,
): Promise<unknown> {
  const args = runtime.name === 'deno' ? [...runtime.args!, `--allow-read=${packageDir}`] : runtime.args!
  // Asynchronous on purpose: this process's event loop is what answers the probe.
  const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(runtime.bin!, [...args, probe], { cwd: packageDir, env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => (stdout += c))
    child.stderr.on('data', (c) => (stderr += c))
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout.trim().split('\n').pop()!)
}
