// NATS core pub/sub through `nats` (an optional peer dependency). The client reconnects by
// itself with jittered waits; what is published while it is away is dropped, not queued
// (the client's own queue has no bound), so an outage never grows memory. The replay
// window lives in JetStream when the server has it (nats-log.ts).
import type { NatsConnection, Subscription } from 'nats'
import { type Broker, type BrokerOptions, type ChannelLog, loadPeer, outageLog } from './broker.js'
import { natsCallMemory } from './nats-calls.js'
import { natsLog } from './nats-log.js'

export async function natsBroker(
  url: string,
  { logger, replay, namespace = 'weft' }: BrokerOptions,
): Promise<Broker> {
  const nats = await loadPeer('nats', () => import('nats'), 'A nats:// broker')
  const outage = outageLog(logger, 'nats')
  const handlers = new Map<string, (payload: string) => void>()
  const subscriptions = new Map<string, Subscription>()
  const encoder = new TextEncoder()
  const decoder = new TextDecoder()
  let connection: NatsConnection | null = null
  let log: ChannelLog | null = null
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
      if (!replay) return
      log = await natsLog(nats, nc, replay, namespace, () => online)
      if (!log)
        logger.warn(
          { broker: 'nats' },
          'JetStream is not enabled on the NATS server: channel replay stays within each instance',
        )
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
    get log() {
      return log ?? undefined
    },
    async close() {
      closed = true
      handlers.clear()
      await connection?.close()
    },
    // Offline: fail at once (the caller remembers answers itself) rather than wait on a request.
    callMemory: (name, ttl) => natsCallMemory(() => (online ? connection : null), name, ttl),
  }
}
