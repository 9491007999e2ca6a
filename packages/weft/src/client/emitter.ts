// A small typed event emitter for the realtime client's objects (rooms, subscriptions, the
// client itself): Web APIs only, no Node EventEmitter.

export type Listener = (...args: any[]) => void

export class Emitter<Events extends Record<string, Listener>> {
  private readonly listeners = new Map<keyof Events, Set<Listener>>()

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args)
  }
}
