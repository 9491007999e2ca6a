// Presence across instances, after Phoenix Presence: each instance owns the entries of its
// own connections and tells the others through the broker (joins and leaves at once, its
// whole state on a heartbeat). An instance not heard from within the timeout is presumed
// dead and its entries leave everywhere, so presence heals after a crash or a netsplit.

import type { PresenceMeta, PresenceState } from '../shared/realtime-protocol.js'
import type { Broker } from './brokers/broker.js'

export interface PresenceDiff {
  joins: PresenceState
  leaves: PresenceState
}

export interface PresenceOptions {
  /** Milliseconds between heartbeats. Default 5 s. */
  interval: number
  /** Milliseconds of silence after which an instance's entries leave. Default 15 s. */
  timeout: number
}

interface Entry {
  channel: string
  key: string
  meta: PresenceMeta
}

type Wire =
  | { o: string; t: 'join'; c: string; k: string; m: PresenceMeta }
  | { o: string; t: 'leave'; c: string; r: string }
  | { o: string; t: 'state'; s: [string, string, PresenceMeta][] }
  | { o: string; t: 'hello' }
  | { o: string; t: 'bye' }

/** One connection's entry in one channel (channel names hold no spaces). */
const entryId = (channel: string, ref: string) => `${channel} ${ref}`

export class PresenceTracker {
  /** The view of every instance: channel -> key -> ref -> meta. */
  private readonly view = new Map<string, Map<string, Map<string, PresenceMeta>>>()
  /** Entries by the instance that owns them, and when it was last heard from. */
  private readonly owners = new Map<string, { seen: number; entries: Map<string, Entry> }>()
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly instance: string,
    private readonly broker: Broker,
    private readonly subject: string,
    private readonly emit: (channel: string, diff: PresenceDiff) => void,
    private readonly options: PresenceOptions,
  ) {
    this.owners.set(instance, { seen: Number.POSITIVE_INFINITY, entries: new Map() })
  }

  start(): void {
    this.broker.subscribe(this.subject, (payload) => this.receive(payload))
    this.send({ o: this.instance, t: 'hello' })
    this.timer = setInterval(() => this.beat(), this.options.interval)
    unrefTimer(this.timer)
  }

  stop(): void {
    clearInterval(this.timer)
    this.send({ o: this.instance, t: 'bye' })
    this.broker.unsubscribe(this.subject)
  }

  track(channel: string, key: string, meta: PresenceMeta): void {
    this.change(this.instance, [{ channel, key, meta }], [])
    this.send({ o: this.instance, t: 'join', c: channel, k: key, m: meta })
  }

  untrack(channel: string, ref: string): void {
    const entry = this.owners.get(this.instance)!.entries.get(entryId(channel, ref))
    if (!entry) return
    this.change(this.instance, [], [entry])
    this.send({ o: this.instance, t: 'leave', c: channel, r: ref })
  }

  /** Everyone in a channel now. */
  list(channel: string): PresenceState {
    const state: PresenceState = {}
    for (const [key, refs] of this.view.get(channel) ?? []) state[key] = [...refs.values()]
    return state
  }

  private send(wire: Wire): void {
    this.broker.publish(this.subject, JSON.stringify(wire))
  }

  /** The heartbeat: this instance's whole state, then the sweep of silent instances. */
  private beat(): void {
    const own = [...this.owners.get(this.instance)!.entries.values()]
    this.send({ o: this.instance, t: 'state', s: own.map((e) => [e.channel, e.key, e.meta]) })
    const deadline = Date.now() - this.options.timeout
    for (const [instance, owner] of this.owners) {
      if (owner.seen < deadline) this.forget(instance)
    }
  }

  private forget(instance: string): void {
    const owner = this.owners.get(instance)
    if (!owner) return
    this.change(instance, [], [...owner.entries.values()])
    this.owners.delete(instance)
  }

  private receive(payload: string): void {
    let wire: Wire
    try {
      wire = JSON.parse(payload) as Wire
    } catch {
      return
    }
    if (wire.o === this.instance) return
    if (wire.t === 'bye') return this.forget(wire.o)
    let owner = this.owners.get(wire.o)
    if (!owner) this.owners.set(wire.o, (owner = { seen: 0, entries: new Map() }))
    owner.seen = Date.now()
    switch (wire.t) {
      case 'hello':
        // A new instance: tell it what this one holds without waiting for the heartbeat.
        return this.beat()
      case 'join':
        return this.change(wire.o, [{ channel: wire.c, key: wire.k, meta: wire.m }], [])
      case 'leave': {
        const entry = owner.entries.get(entryId(wire.c, wire.r))
        if (entry) this.change(wire.o, [], [entry])
        return
      }
      case 'state': {
        const incoming = new Map(
          wire.s.map(([channel, key, meta]) => [entryId(channel, meta.ref), { channel, key, meta }]),
        )
        const leaves = [...owner.entries].filter(([id]) => !incoming.has(id)).map(([, e]) => e)
        const joins = [...incoming].filter(([id]) => !owner.entries.has(id)).map(([, e]) => e)
        if (joins.length || leaves.length) this.change(wire.o, joins, leaves)
      }
    }
  }

  /** Applies joins and leaves owned by `instance` and emits one diff per channel touched. */
  private change(instance: string, joins: Entry[], leaves: Entry[]): void {
    const owner = this.owners.get(instance)!
    const diffs = new Map<string, PresenceDiff>()
    const diffOf = (channel: string) => {
      let diff = diffs.get(channel)
      if (!diff) diffs.set(channel, (diff = { joins: {}, leaves: {} }))
      return diff
    }
    for (const entry of leaves) {
      if (!owner.entries.delete(entryId(entry.channel, entry.meta.ref))) continue
      const keys = this.view.get(entry.channel)
      const refs = keys?.get(entry.key)
      refs?.delete(entry.meta.ref)
      if (refs?.size === 0) keys!.delete(entry.key)
      if (keys?.size === 0) this.view.delete(entry.channel)
      ;(diffOf(entry.channel).leaves[entry.key] ??= []).push(entry.meta)
    }
    for (const entry of joins) {
      const id = entryId(entry.channel, entry.meta.ref)
      if (owner.entries.has(id)) continue
      owner.entries.set(id, entry)
      let keys = this.view.get(entry.channel)
      if (!keys) this.view.set(entry.channel, (keys = new Map()))
      let refs = keys.get(entry.key)
      if (!refs) keys.set(entry.key, (refs = new Map()))
      refs.set(entry.meta.ref, entry.meta)
      ;(diffOf(entry.channel).joins[entry.key] ??= []).push(entry.meta)
    }
    for (const [channel, diff] of diffs) this.emit(channel, diff)
  }
}

/** A heartbeat must not keep the process alive: Node and Bun unref the timer, Deno by id. */
function unrefTimer(timer: ReturnType<typeof setInterval>): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer)
    return void (timer as { unref(): void }).unref()
  ;(globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(timer as unknown as number)
}
