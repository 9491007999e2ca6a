// Preloaded into the server under test (`node --import`, `bun --preload`): once a second
// it appends one JSON line to $WEFT_SAMPLES with resident memory, heap and event-loop
// delay (monitorEventLoopDelay, reset each second). The load generator reads the file.
import { appendFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'

const file = process.env.WEFT_SAMPLES
if (file) {
  let delay = null
  try {
    delay = monitorEventLoopDelay({ resolution: 10 })
    delay.enable()
  } catch {
    // A runtime without it reports memory only.
  }
  const ms = (ns) => Math.round(ns / 1e4) / 100
  setInterval(() => {
    const memory = process.memoryUsage()
    const line = {
      at: Date.now(),
      rss: memory.rss,
      heap: memory.heapUsed,
      delayP50: delay ? ms(delay.percentile(50)) : null,
      delayP99: delay ? ms(delay.percentile(99)) : null,
      delayMax: delay ? ms(delay.max) : null,
    }
    delay?.reset()
    appendFileSync(file, `${JSON.stringify(line)}\n`)
  }, 1000).unref()
}
