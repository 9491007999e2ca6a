// Method answers remembered in the broker, so a call retried on another instance (after a
// reconnect) finds the first run's answer, or waits for it while it runs, and never runs
// twice. Without a broker that remembers, or while it is away, each instance remembers its
// own answers (the method registry's memory) and says so once in the log.
import type { Logger } from '../http/logger.js'
import { outageLog } from './brokers/broker.js'
import type { CallMemory } from './brokers/call-memory.js'

/** How long a claim holds without renewal: a run whose instance died is taken over after this. */
const LEASE = 10_000
/** Waits between looks at a call another instance is running: from 25 ms up to 500 ms. */
const FIRST_WAIT = 25
const LONGEST_WAIT = 500

export class SharedAnswers {
  private readonly outage: ReturnType<typeof outageLog>

  constructor(
    private readonly memory: CallMemory,
    logger: Logger,
  ) {
    this.outage = outageLog(logger, 'call memory')
  }

  /** The answer of the call `key` names: the remembered one, or `run()`'s, run here once. */
  async once(key: string, run: () => Promise<string>): Promise<string> {
    const hashed = await digest(key)
    try {
      const remembered = await this.claim(hashed)
      this.outage.up()
      if (remembered !== null) return remembered
    } catch (error) {
      this.outage.down(error)
      return run()
    }
    const renewal = setInterval(() => this.memory.renew(hashed, LEASE).catch(() => {}), LEASE / 3)
    let answer: string
    try {
      answer = await run()
    } finally {
      clearInterval(renewal)
    }
    // Remembered before it is sent, so a retry never finds the call neither running nor answered.
    await this.memory.settle(hashed, answer).catch((error: unknown) => this.outage.down(error))
    return answer
  }

  /** Claims the call (null: run it here), or waits for the answer of the run that holds it. */
  private async claim(key: string): Promise<string | null> {
    for (let wait = FIRST_WAIT; ; wait = Math.min(LONGEST_WAIT, wait * 2)) {
      const claim = await this.memory.claim(key, LEASE)
      if (claim === 'claimed') return null
      if (claim !== 'running') return claim.answer
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }
}

/** A key of fixed length and safe characters (NATS keys allow few) for any user id and call id. */
async function digest(key: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)))
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}
