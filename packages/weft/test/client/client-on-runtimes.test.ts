import assert from 'node:assert/strict'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { serve } from 'weftjs'
import { findRuntimes } from '../runtimes/runtimes.mjs'
import { app } from './client-app.ts'
import { runProbe } from './run-probe.ts'

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
        assert.deepEqual(await runProbe(runtime, probe, { API_URL: server.url }), {
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
