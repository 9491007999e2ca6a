import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Target } from '../conformance/client.ts'
import type { RunningServer } from '../conformance/process.ts'
import { findRuntimes, type Runtime } from '../runtimes/runtimes.mjs'
import { bounded, rssOf, startBatteryServer, stillServes } from './battery.ts'
import { battery } from './cases/index.ts'

/**
 * The bad-input battery in its bounded form, against the battery app under one runtime:
 * each case checks its answer, then that the process lives and still serves a
 * well-behaved client. `npm run reliability` sends the full form and writes the table.
 */
export function runBatterySuite(name: Runtime['name']): void {
  const runtime = findRuntimes().find((r) => r.name === name)!
  if (runtime.missing) {
    const message = `${runtime.label} is not available: ${runtime.missing}`
    if (process.env.CI === 'true') {
      test(`${runtime.label} is installed`, () => assert.fail(`${message}. CI must run every runtime.`))
    } else {
      console.warn(`\n!!! SKIPPING the ${runtime.label} bad-input battery: ${message}\n`)
      test(`bad-input battery on ${runtime.label}`, { skip: message }, () => {})
    }
    return
  }

  describe(`bad-input battery on ${runtime.label}`, () => {
    let server: RunningServer
    before(async () => {
      server = await startBatteryServer(runtime)
    })
    after(() => server?.stop())

    for (const c of battery) {
      test(`${c.group}: ${c.name} -> ${c.expected}; the process survives`, async () => {
        const target: Target = { url: server.url, port: server.port, runtime: name }
        await c.run(target, bounded)
        assert.ok(await stillServes(server), `the process stopped serving. stderr:\n${server.stderr()}`)
      })
    }

    test('memory after the whole battery stays within 256 MiB', async () => {
      const rss = await rssOf({ url: server.url, port: server.port, runtime: name })
      assert.ok(rss < 256 * 1024 * 1024, `RSS ${rss}`)
    })
  })
}
