// NATS core pub/sub through `nats` (an optional peer dependency). The client reconnects by
// itself with jittered waits; what is published while it is away is dropped, not queued
// (the client's own queue has no bound), so an outage never grows memory.
import type { NatsConnection, Subscription } from 'nats'
import { type Broker, type BrokerOptions, loadPeer, outageLog } from './broker.js'

export async function natsBroker(url: string, { logger }: BrokerOptions): Promise<Broker> {
  const nats = await loadPeer('nats', () => import('nats'), 'A nats:// broker')
  const outage = outageLog(logger, 'nats')
  const handlers = new Map<string, (payload: string) => void>()
  const subscriptions = new Map<string, Subscription>()
  const encoder = new TextEncoder()
  const decoder = new TextDecoder()
  let connection: NatsConnection | null = null
  let closed = false
  let online = false

  const listen = (nc: NatsConnection, subject: string) => {
    const handler = (_error: unknown, message: { data: Uint8Array }) =>
      handlers.get(subject)?.(decoder.decode(message.data))
    subscriptions.set(subject, nc.subscribe(subject, { callback: handler }))
  }

  const ready = nats
    .connect({
      servers: url.replace(/^nats:\/\//, ''),
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 500,
      waitOnFirstConnect: true,
      pingInterval: 5000,
      maxPingOut: 2,
    })
    .then(async (nc) => {
      if (closed) return void (await nc.close())
      connection = nc
      online = true
      for (const subject of handlers.keys()) listen(nc, subject)
      watchStatus(nc)
    })

  const watchStatus = async (nc: NatsConnection) => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'error') {
        online = false
        outage.down(status.data)
      } else if (status.type === 'reconnect') {
        online = true
        outage.up()
      }
    }
  }

  return {
    publish(subject, payload) {
      if (!online || !connection) return
      try {
        connection.publish(subject, encoder.encode(payload))
      } catch (error) {
        outage.down(error)
      }
    },
    subscribe(subject, handler) {
      const known = handlers.has(subject)
      handlers.set(subject, handler)
      if (!known && connection) listen(connection, subject)
    },
    unsubscribe(subject) {
      if (!handlers.delete(subject)) return
      subscriptions.get(subject)?.unsubscribe()
      subscriptions.delete(subject)
    },
    ready: () => ready,
    async close() {
      closed = true
      handlers.clear()
      await connection?.close()
    },
  }
}
