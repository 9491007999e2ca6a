import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { findRuntimes } from './runtimes.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const packageDir = join(here, '../..')
const fixture = join(here, '../conformance/fixture-app.ts')
const runtimes = findRuntimes({ install: false })

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** Polls until the server answers, or fails with what the process printed. */
async function untilServing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break
    try {
      await fetch(url)
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  assert.fail(`nothing answered at ${url}:\n${output()}`)
}

async function checkServes(command: string, args: string[], port: number, env: Record<string, string> = {}) {
  const child = spawn(command, args, { cwd: packageDir, env: { ...process.env, ...env }, stdio: 'pipe' })
  let output = ''
  child.stdout.on('data', (c) => (output += c))
  child.stderr.on('data', (c) => (output += c))
  const url = `http://127.0.0.1:${port}`
  try {
    await untilServing(url, child, () => output)
    assert.deepEqual(await (await fetch(`${url}/users/7`)).json(), { id: '7' })
    const missing = await fetch(`${url}/items`)
    assert.equal(missing.status, 405)
    assert.equal(missing.headers.get('allow'), 'POST, OPTIONS')
    const options = await fetch(`${url}/users/1`, { method: 'OPTIONS' })
    assert.equal(options.status, 204)
    assert.equal((await fetch(`${url}/mw/order`)).headers.get('x-order'), 'a in,b in,handler,b out,a out')
  } finally {
    child.kill('SIGKILL')
  }
}

describe('`export default app` is a server entry on Deno and Bun', () => {
  test('deno serve runs the default export', async (t) => {
    const deno = runtimes.find((r) => r.name === 'deno')!
    if (deno.missing) {
      if (process.env.CI === 'true') assert.fail(deno.missing)
      return t.skip(deno.missing)
    }
    const port = await freePort()
    const flags = deno.args!.slice(1) // without `run`
    await checkServes(
      deno.bin!,
      [
        'serve',
        ...flags,
        `--allow-read=${dirname(fixture)}`,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        fixture,
      ],
      port,
    )
  })

  test("bun runs a file whose default export has fetch() as Bun's server", async (t) => {
    const bun = runtimes.find((r) => r.name === 'bun')!
    if (bun.missing) {
      if (process.env.CI === 'true') assert.fail(bun.missing)
      return t.skip(bun.missing)
    }
    const port = await freePort()
    await checkServes(bun.bin!, [...bun.args!, fixture], port, { PORT: String(port), NODE_ENV: 'production' })
  })
})
