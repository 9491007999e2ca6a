import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { serve } from 'weftjs'
import { findRuntimes } from '../runtimes/runtimes.mjs'
import { app } from './client-app.ts'

const here = dirname(fileURLToPath(import.meta.url))
const probe = join(here, 'client-probe.ts')

// weftjs/client uses Web APIs only; this runs it on Deno and Bun against a Node server.
describe('the typed client on other runtimes', () => {
  for (const runtime of findRuntimes({ install: false }).filter(
    (r) => r.name === 'deno' || r.name === 'bun',
  )) {
    test(`${runtime.label} calls a Weft server with weftjs/client`, async (t) => {
      if (runtime.missing) {
        if (process.env.CI === 'true') assert.fail(runtime.missing)
        return t.skip(runtime.missing)
      }
      const server = await serve(app, { port: 0 })
      try {
        const args =
          runtime.name === 'deno' ? [...runtime.args!, `--allow-read=${join(here, '../..')}`] : runtime.args!
        // Asynchronous on purpose: this process's event loop is what answers the client.
        const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
          (resolve) => {
            const child = spawn(runtime.bin!, [...args, probe], {
              cwd: join(here, '../..'),
              env: { ...process.env, API_URL: server.url },
            })
            let stdout = ''
            let stderr = ''
            child.stdout.on('data', (c) => (stdout += c))
            child.stderr.on('data', (c) => (stderr += c))
            child.on('close', (status) => resolve({ status, stdout, stderr }))
          },
        )
        assert.equal(run.status, 0, run.stderr)
        assert.deepEqual(JSON.parse(run.stdout.trim().split('\n').pop()!), {
          user: { id: '1', name: 'ada' },
          created: 'grace',
          error: { status: 404, code: 'USER_NOT_FOUND' },
        })
      } finally {
        await server.close()
      }
    })
  }
})
