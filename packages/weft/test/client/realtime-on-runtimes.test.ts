import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'
import { serveLive } from '../realtime/helpers.ts'
import { findRuntimes } from '../runtimes/runtimes.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const probe = join(here, 'realtime-probe.ts')

// The realtime client uses the runtime's own WebSocket on Deno and Bun.
describe('the realtime client on other runtimes', () => {
  for (const runtime of findRuntimes({ install: false }).filter(
    (r) => r.name === 'deno' || r.name === 'bun',
  )) {
    test(`${runtime.label} joins a channel, sends and receives with weftjs/client`, async (t) => {
      if (runtime.missing) {
        if (process.env.CI === 'true') assert.fail(runtime.missing)
        return t.skip(runtime.missing)
      }
      const live = realtime({
        logger: false,
        authenticate: (_ctx, token) => (token ? { id: token } : null),
      }).channel('chat/:room', { presence: true, message: z.object({ text: z.string() }) })
      const served = await serveLive(live)
      try {
        const args =
          runtime.name === 'deno' ? [...runtime.args!, `--allow-read=${join(here, '../..')}`] : runtime.args!
        const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
          (resolve) => {
            const child = spawn(runtime.bin!, [...args, probe], {
              cwd: join(here, '../..'),
              env: { ...process.env, LIVE_URL: served.url },
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
          state: 'open',
          message: { text: 'from the probe' },
          present: ['probe'],
        })
      } finally {
        await served.close()
      }
    })
  }
})
