import assert from 'node:assert/strict'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'
import { serveLive } from '../realtime/helpers.ts'
import { findRuntimes } from '../runtimes/runtimes.mjs'
import { runProbe } from './run-probe.ts'

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
        assert.deepEqual(await runProbe(runtime, probe, { LIVE_URL: served.url }), {
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
