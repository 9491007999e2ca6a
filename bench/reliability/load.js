// An open-model load generator: requests start at a fixed rate whether or not earlier ones
// have answered (a closed loop would slow down with the server and hide its latency).
// In-flight requests are capped, so an overloaded server cannot make this process grow
// without bound: a request that cannot start counts as dropped.
import { Agent, request } from 'node:http'

/** One request; resolves with status and milliseconds, or status 0 on a socket error. */
export function send(agent, port, { method = 'GET', path, body, headers = {} }) {
  const started = performance.now()
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: body ? { 'content-type': 'application/json', ...headers } : headers,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (c) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started, text }))
      },
    )
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started, text: '' }))
    req.end(body ? JSON.stringify(body) : undefined)
  })
}

/**
 * Runs `next()` (which returns a request) `rate` times a second for `seconds`, calling
 * `onSecond(stats)` after each second with that second's counts and latencies.
 */
export async function runAtRate({ port, rate, seconds, next, onSecond, maxInFlight = 2000, onAnswer }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 })
  let inFlight = 0
  let second = { sent: 0, ok: 0, errors: 0, dropped: 0, latencies: [] }
  const pending = new Set()
  const started = Date.now()
  let lastSecond = started
  let issued = 0
  while (Date.now() - started < seconds * 1000) {
    // Due by the clock, not by ticks: a late timer sends the backlog at once.
    const due = Math.floor((rate * (Date.now() - started)) / 1000)
    while (issued < due) {
      issued++
      if (inFlight >= maxInFlight) {
        second.dropped++
        continue
      }
      const spec = next()
      inFlight++
      second.sent++
      // Answers count in the second they arrive, so a slow one shows in that second's p99.
      const p = send(agent, port, spec).then((answer) => {
        inFlight--
        pending.delete(p)
        if (answer.status >= 200 && answer.status < 400) second.ok++
        else second.errors++
        second.latencies.push(answer.ms)
        onAnswer?.(spec, answer)
      })
      pending.add(p)
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
    if (Date.now() - lastSecond >= 1000) {
      lastSecond += 1000
      onSecond?.(second, inFlight)
      second = { sent: 0, ok: 0, errors: 0, dropped: 0, latencies: [] }
    }
  }
  await Promise.all(pending)
  if (second.sent) onSecond?.(second, inFlight)
  agent.destroy()
}
