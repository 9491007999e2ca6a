// Run with hide-peers.mjs by missing-peers.test.ts: prints the error each missing optional
// peer produces, one JSON line.
import { serve, weft } from 'weftjs'
import { realtime } from 'weftjs/realtime'

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: Error) => error.message,
  )
const redis = realtime({ logger: false, broker: 'redis://127.0.0.1:1' })
const nats = realtime({ logger: false, broker: 'nats://127.0.0.1:1' })
const app = weft({ logger: false })
app.ws('/live', redis)
app.ws('/live-nats', nats)
console.log(
  JSON.stringify({
    startup: await failure(serve(app, { port: 0 })),
    redis: await failure(redis.ready()),
    nats: await failure(nats.ready()),
    unknown: await failure(realtime({ logger: false, broker: 'kafka://127.0.0.1:1' }).ready()),
  }),
)
