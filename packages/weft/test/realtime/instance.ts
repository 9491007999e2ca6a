// One realtime instance as its own process, for the test where an instance dies: serves
// /live with the broker in $BROKER_URL and fast presence timings, prints its URL.
import { serve, weft } from 'weftjs'
import { realtime } from 'weftjs/realtime'

const live = realtime({
  logger: false,
  broker: process.env.BROKER_URL,
  presence: { interval: 200, timeout: 1500 },
  authenticate: (_ctx, token) => (token ? { id: token } : null),
}).channel('room/:name', { presence: true })
const app = weft({ logger: false })
app.ws('/live', live)
const server = await serve(app, { port: 0 })
console.log(JSON.stringify({ url: `${server.url.replace(/^http/, 'ws')}/live` }))
