import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { createConnection, createServer } from 'node:net'
import { networkInterfaces } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { findRuntimes } from './runtimes.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const packageDir = join(here, '../..')
const fixture = join(here, '../conformance/fixture-app.ts')
const diFixture = join(here, '../conformance/di-app.ts')
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

/** Starts `command` and runs `check` against it once it answers; the process is killed after. */
async function withProcess(
  command: string,
  args: string[],
  port: number,
  env: Record<string, string>,
  check: (url: string) => Promise<void>,
) {
  const child = spawn(command, args, { cwd: packageDir, env: { ...process.env, ...env }, stdio: 'pipe' })
  let output = ''
  child.stdout.on('data', (c) => (output += c))
  child.stderr.on('data', (c) => (output += c))
  const url = `http://127.0.0.1:${port}`
  try {
    await untilServing(url, child, () => output)
    await check(url)
  } finally {
    child.kill('SIGKILL')
  }
}

/** The app with modules answers its first request only once its modules have started. */
async function checkModulesStarted(url: string) {
  const first = await fetch(`${url}/started`)
  assert.equal(first.status, 200, await first.clone().text())
  assert.deepEqual(await first.json(), { started: true })
}

/** A non-loopback address of this machine, to show a server is not reachable there; null if none. */
function outsideAddress(): string | null {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')
  return found?.address ?? null
}

async function checkServes(command: string, args: string[], port: number, env: Record<string, string> = {}) {
  await withProcess(command, args, port, env, async (url) => {
    assert.deepEqual(await (await fetch(`${url}/users/7`)).json(), { id: '7' })
    const missing = await fetch(`${url}/items`)
    assert.equal(missing.status, 405)
    assert.equal(missing.headers.get('allow'), 'POST, OPTIONS')
    const options = await fetch(`${url}/users/1`, { method: 'OPTIONS' })
    assert.equal(options.status, 204)
    assert.equal((await fetch(`${url}/mw/order`)).headers.get('x-order'), 'a in,b in,handler,b out,a out')
  })
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

  test('deno serve: an app with modules waits for start-up on its first request', async (t) => {
    const deno = runtimes.find((r) => r.name === 'deno')!
    if (deno.missing) {
      if (process.env.CI === 'true') assert.fail(deno.missing)
      return t.skip(deno.missing)
    }
    const port = await freePort()
    const args = [
      'serve',
      ...deno.args!.slice(1),
      `--allow-read=${dirname(diFixture)}`,
      '--host',
      '127.0.0.1',
    ]
    await withProcess(deno.bin!, [...args, '--port', String(port), diFixture], port, {}, checkModulesStarted)
  })

  test('bun: an app with modules waits for start-up, and listens on 127.0.0.1 only', async (t) => {
    const bun = runtimes.find((r) => r.name === 'bun')!
    if (bun.missing) {
      if (process.env.CI === 'true') assert.fail(bun.missing)
      return t.skip(bun.missing)
    }
    const port = await freePort()
    const env = { PORT: String(port), NODE_ENV: 'production' }
    await withProcess(bun.bin!, [...bun.args!, diFixture], port, env, async (url) => {
      await checkModulesStarted(url)
      const outside = outsideAddress()
      if (!outside) {
        console.warn(
          '\n!!! this machine has no non-loopback IPv4 address: the 127.0.0.1-only check is not run\n',
        )
        return
      }
      const reached = await new Promise<boolean>((resolve) => {
        const socket = createConnection({ host: outside, port }, () => {
          socket.destroy()
          resolve(true)
        }).on('error', () => resolve(false))
      })
      assert.equal(reached, false, `the server answered on ${outside}, not only on the loopback`)
    })
  })
})
