// Method retries are idempotent across instances when a broker remembers the answers: a
// retry on another instance gets the first run's answer, or waits for a run still going,
// and the call runs once. Real private Redis and NATS (JetStream) servers.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Logger } from 'weftjs'
import { realtime } from 'weftjs/realtime'
import { z } from 'zod'
import { brokerBinary, startBrokerServer } from './broker-servers.ts'
import { eventually, type RawClient, rawClient, type Served, serveLive } from './helpers.ts'

/** Two instances behind `url`; `runs` records every run of `write`, on either instance. */
async function twoInstances(url: string, hold: () => Promise<void> = async () => {}, logger?: Logger) {
  const runs: number[] = []
  const make = () =>
    realtime<{ id: string }>({
      logger: logger ?? false,
      broker: url,
      authenticate: (_ctx, token) => (token ? { id: token } : null),
    }).method('write', { args: z.object({ n: z.number() }) }, async (_conn, { n }) => {
      runs.push(n)
      await hold()
      return { wrote: n, run: runs.length }
    })
  const [liveA, liveB] = [make(), make()]
  await Promise.all([liveA.ready(), liveB.ready()])
  const served: Served[] = [await serveLive(liveA), await serveLive(liveB)]
  return { runs, a: served[0]!, b: served[1]!, close: () => Promise.all(served.map((s) => s.close())) }
}

function as(served: Served, user: string): Promise<RawClient> {
  return rawClient(`${served.url}?token=${user}`)
}

describe('method answers remembered in the broker', () => {
  for (const kind of ['redis', 'nats'] as const) {
    const missing = brokerBinary(kind) === null
    if (missing && process.env.CI === 'true') {
      test(`${kind} server is installed`, () =>
        assert.fail(`${kind}-server is missing; CI must run these tests`))
      continue
    }
    if (missing)
      console.warn(`\n!!! SKIPPING the ${kind} shared call answer tests: no ${kind} server binary\n`)

    test(`${kind}: a call whose answer was lost, retried on another instance, runs once`, {
      skip: missing && `no ${kind} server binary`,
    }, async () => {
      const server = await startBrokerServer(kind)
      const app = await twoInstances(server.url)
      try {
        const first = await as(app.a, 'ada')
        first.send({ msg: 'method', id: 'lost-1', name: 'write', args: { n: 1 } })
        first.socket.close() // the answer never reaches the client
        await eventually(() => app.runs.length === 1, 'the first run on A')
        const retry = await as(app.b, 'ada')
        retry.send({ msg: 'method', id: 'lost-1', name: 'write', args: { n: 1 } })
        const answer = await retry.next('result')
        await retry.next('updated')
        assert.deepEqual(answer.result, { wrote: 1, run: 1 }, 'the first run’s answer')
        assert.deepEqual(app.runs, [1], 'ran once across both instances')
        // Another user's call with the same id is a call of its own.
        const bob = await as(app.b, 'bob')
        bob.send({ msg: 'method', id: 'lost-1', name: 'write', args: { n: 2 } })
        assert.deepEqual((await bob.next('result')).result, { wrote: 2, run: 2 })
        retry.socket.close()
        bob.socket.close()
      } finally {
        await app.close()
        await server.stop()
      }
    })

    test(`${kind}: a retry on another instance while the first run is going waits for it and runs nothing`, {
      skip: missing && `no ${kind} server binary`,
    }, async () => {
      const server = await startBrokerServer(kind)
      let release: () => void = () => {}
      const held = new Promise<void>((resolve) => (release = resolve))
      const app = await twoInstances(server.url, () => held)
      try {
        const first = await as(app.a, 'ada')
        first.send({ msg: 'method', id: 'slow-1', name: 'write', args: { n: 7 } })
        await eventually(() => app.runs.length === 1, 'the first run on A, still going')
        const retry = await as(app.b, 'ada')
        retry.send({ msg: 'method', id: 'slow-1', name: 'write', args: { n: 7 } })
        // B may not run it: a B that did would have recorded a second run within this window.
        await assert.rejects(eventually(() => app.runs.length > 1, 'a second run', 500))
        assert.equal(retry.frames.length, 0, 'B answers nothing while the first run goes on')
        release()
        const [answerA, answerB] = await Promise.all([first.next('result'), retry.next('result')])
        assert.deepEqual(answerA.result, { wrote: 7, run: 1 })
        assert.deepEqual(answerB.result, answerA.result, 'the retry gets the first run’s answer')
        assert.deepEqual(app.runs, [7], 'ran once across both instances')
        first.socket.close()
        retry.socket.close()
      } finally {
        await app.close()
        await server.stop()
      }
    })

    test(`${kind}: while the broker is away each instance remembers its own answers, and says so once`, {
      skip: missing && `no ${kind} server binary`,
    }, async () => {
      const server = await startBrokerServer(kind)
      const lines: { fields: Record<string, unknown>; message?: string }[] = []
      const log = (fields: object, message?: string) =>
        void lines.push({ fields: fields as Record<string, unknown>, message })
      const app = await twoInstances(server.url, undefined, { error: log, warn: log, info: log })
      try {
        await server.stop()
        const ada = await as(app.a, 'ada')
        for (const n of [1, 1, 2]) {
          ada.send({ msg: 'method', id: `away-${n}`, name: 'write', args: { n } })
          assert.deepEqual((await ada.next('result', () => true, 15_000)).result, { wrote: n, run: n })
        }
        assert.deepEqual(app.runs, [1, 2], 'the retry on the same instance ran nothing')
        const outage = lines.filter(
          (l) => l.fields.broker === 'call memory' && l.message?.startsWith('broker unreachable'),
        )
        assert.equal(outage.length, 1, 'the fallback is logged once')
        ada.socket.close()
      } finally {
        await app.close()
        await server.stop()
      }
    })
  }
})
