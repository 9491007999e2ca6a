// Run under Deno or Bun by realtime-on-runtimes.test.ts: the realtime client against a
// Weft server at $LIVE_URL (served by Node), printing what it saw as one JSON line.
import { realtimeClient } from 'weftjs/client'

const env = (globalThis as { process?: { env: Record<string, string> } }).process?.env
const rt = realtimeClient(env?.LIVE_URL ?? '', { token: 'probe', reconnect: false })
const room = rt.join('chat/probe')
await room.joined
const heard = new Promise((resolve) => room.on('message', resolve))
room.send({ text: 'from the probe' })
const message = await heard
console.log(JSON.stringify({ state: rt.state, message, present: Object.keys(room.presence) }))
rt.close()
