// The client's publications and methods: subscriptions sharing one mergebox, calls with
// optimistic writes, and what a reconnect does (resubscribe with resume digests, send the
// calls still unconfirmed again under the same ids, which the server answers once).
import type { ServerFrame } from '../shared/realtime-protocol.js'
import { LiveDocs, type LocalWrites } from './live-docs.js'
import { RealtimeError } from './realtime-error.js'
import { Subscription } from './subscription.js'

export interface CallOptions {
  /** Local writes shown at once; rolled back if the call fails, replaced when its data arrives. */
  optimistic?: (local: LocalWrites) => void
}

interface PendingCall {
  frame: string
  resolve(value: unknown): void
  reject(error: RealtimeError): void
  /** Whether `result` came (the call stays pending until `updated` too). */
  answered: boolean
}

/** A random prefix for this client's ids: call ids must not collide with another client's. */
function randomPrefix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('')
}

export class LiveClient {
  readonly store = new LiveDocs()
  private readonly subs = new Map<string, Subscription<any>>()
  private readonly calls = new Map<string, PendingCall>()
  private readonly prefix = randomPrefix()
  private ids = 0

  constructor(
    /** Sends a frame when the socket is open; false when it is not (it will go on reconnect). */
    private readonly write: (text: string) => boolean,
  ) {}

  subscribe(name: string, args: unknown): Subscription<any> {
    const sub = new Subscription(`s${++this.ids}`, name, args ?? {}, this)
    this.subs.set(sub.id, sub)
    this.write(JSON.stringify(sub.subFrame()))
    return sub
  }

  call(name: string, args: unknown, options: CallOptions = {}): Promise<unknown> {
    const id = `${this.prefix}.${++this.ids}`
    if (
      options.optimistic &&
      this.store.layer(id, options.optimistic, (sub) => this.subs.get(sub)?.collection)
    ) {
      this.refresh()
    }
    return new Promise((resolve, reject) => {
      const frame = JSON.stringify({ msg: 'method', id, name, args: args ?? {} })
      this.calls.set(id, { frame, resolve, reject, answered: false })
      this.write(frame)
    })
  }

  /** @internal */
  resubscribe(sub: Subscription<any>): void {
    this.write(JSON.stringify(sub.subFrame()))
  }

  /** @internal */
  forget(sub: Subscription<any>): void {
    if (this.subs.get(sub.id) !== sub) return
    this.subs.delete(sub.id)
    this.write(JSON.stringify({ msg: 'unsub', id: sub.id }))
    this.refresh()
  }

  /** A new connection: subscriptions resume, unconfirmed calls go again with their ids. */
  reconnected(): void {
    this.store.releaseAll()
    for (const sub of this.subs.values()) {
      sub.restart()
      this.write(JSON.stringify(sub.subFrame()))
    }
    for (const call of this.calls.values()) this.write(call.frame)
  }

  /** Handles a live-data or method frame; false when the frame is not one. */
  receive(frame: ServerFrame): boolean {
    switch (frame.msg) {
      case 'added':
      case 'changed':
      case 'removed':
      case 'ready':
      case 'nosub':
      case 'resync': {
        // A channel's resync is the room's (realtime.ts); this one is a subscription's.
        if (!('sub' in frame)) return false
        const sub = this.subs.get(frame.sub)
        if (sub) sub.receive(frame)
        else if (frame.msg === 'nosub') this.store.release(frame.sub)
        return true
      }
      case 'result':
        this.result(frame)
        return true
      case 'updated':
        for (const id of frame.methods) this.updated(id)
        return true
      default:
        return false
    }
  }

  private result(frame: Extract<ServerFrame, { msg: 'result' }>): void {
    const call = this.calls.get(frame.id)
    if (!call || call.answered) return
    call.answered = true
    if (!frame.error) return call.resolve(frame.result)
    // A failed call's writes (if any) are announced by `updated` too, but its local ones go now.
    if (this.store.unlayer(frame.id)) this.refresh()
    call.reject(new RealtimeError(frame.error))
  }

  /** The call's writes have reached this client's subscriptions: the real data replaces the local copy. */
  private updated(id: string): void {
    const call = this.calls.get(id)
    if (!call?.answered) return
    this.calls.delete(id)
    if (this.store.unlayer(id)) this.refresh()
  }

  private refresh(): void {
    for (const sub of this.subs.values()) sub.changed()
  }
}
