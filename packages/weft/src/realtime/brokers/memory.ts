// The in-process broker: the default with one instance, and a shared hub lets several
// realtime instances in one process (tests) behave as if behind Redis or NATS.
import type { Broker } from './broker.js'

/** Subscribers of a hub, by subject; each instance's broker is one member. */
export class MemoryHub {
  readonly subjects = new Map<string, Set<(payload: string) => void>>()
}

/**
 * An in-process broker. Without a hub it reaches only this instance; instances given the
 * same hub reach each other. Delivery is asynchronous, as over a network.
 * @example const hub = new MemoryHub(); realtime({ broker: memoryBroker(hub) })
 */
export function memoryBroker(hub = new MemoryHub()): Broker & { hub: MemoryHub } {
  const own = new Map<string, (payload: string) => void>()
  return {
    hub,
    publish(subject, payload) {
      const handlers = hub.subjects.get(subject)
      if (handlers) for (const handler of handlers) queueMicrotask(() => handler(payload))
    },
    subscribe(subject, handler) {
      this.unsubscribe(subject)
      own.set(subject, handler)
      let handlers = hub.subjects.get(subject)
      if (!handlers) hub.subjects.set(subject, (handlers = new Set()))
      handlers.add(handler)
    },
    unsubscribe(subject) {
      const handler = own.get(subject)
      if (!handler) return
      own.delete(subject)
      const handlers = hub.subjects.get(subject)
      handlers?.delete(handler)
      if (handlers?.size === 0) hub.subjects.delete(subject)
    },
    ready: () => Promise.resolve(),
    async close() {
      for (const subject of [...own.keys()]) this.unsubscribe(subject)
    },
  }
}
