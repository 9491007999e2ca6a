// One subscription to a publication, client side: its documents in the order the server
// sent them, `ready` once the first set is complete, `change` on every update. It survives
// reconnects: the client resubscribes with a digest of each document it holds and the
// server sends only what changed meanwhile.
import { documentKey, fieldsDigest } from '../shared/live-digest.js'
import type { LiveDataFrame, ServerFrame } from '../shared/realtime-protocol.js'
import { Emitter } from './emitter.js'
import type { LiveDocs } from './live-docs.js'
import { RealtimeError } from './realtime-error.js'

type SubscriptionEvents<Doc> = {
  change: (docs: Doc[]) => void
  error: (error: RealtimeError) => void
}

/** What a subscription needs of its client. */
export interface SubscriptionHost {
  readonly store: LiveDocs
  /** Sends the `sub` frame again (with a resume map) when a gap in `seq` shows frames were lost. */
  resubscribe(sub: Subscription<any>): void
  forget(sub: Subscription<any>): void
}

export class Subscription<Doc = Record<string, unknown>> extends Emitter<SubscriptionEvents<Doc>> {
  /** Resolves once the server has sent the first complete set; rejects with its error. */
  readonly ready: Promise<void>
  /** Whether the first set has arrived. */
  isReady = false
  /** The last sequence number received. */
  seq = 0
  private keys: string[] = []
  private readonly collections = new Set<string>()
  private settle: { resolve(): void; reject(error: RealtimeError): void } | null = null
  private stopped = false
  /** After a gap the `sub` went again: frames of the old run are skipped until the new one's first. */
  private awaitingFirst = false

  constructor(
    readonly id: string,
    readonly name: string,
    readonly args: unknown,
    private readonly host: SubscriptionHost,
  ) {
    super()
    this.ready = new Promise((resolve, reject) => (this.settle = { resolve, reject }))
    this.ready.catch(() => {})
  }

  /** The documents now, optimistic writes included, in the server's order. */
  get docs(): Doc[] {
    const docs: Doc[] = []
    const seen = new Set<string>()
    for (const key of [...this.keys, ...this.host.store.inserted(this.id)]) {
      if (seen.has(key)) continue
      seen.add(key)
      const doc = this.host.store.view(key)
      if (doc) docs.push(doc as Doc)
    }
    return docs
  }

  /** The collection of the first document received (where an optimistic insert goes by default). */
  get collection(): string | undefined {
    return this.collections.values().next().value
  }

  /** Ends the subscription; its documents go unless another subscription holds them. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    for (const key of this.keys) this.host.store.retire(key, this.id)
    this.keys = []
    this.host.forget(this)
  }

  /** @internal The `sub` frame, with what this subscription holds when it has anything. */
  subFrame(): Record<string, unknown> {
    const frame = { msg: 'sub', id: this.id, name: this.name, args: this.args }
    if (!this.isReady && this.keys.length === 0) return frame
    const resume: Record<string, string> = {}
    for (const key of this.keys) resume[key] = fieldsDigest(this.host.store.own(key, this.id) ?? {})
    return { ...frame, resume }
  }

  /** @internal */
  receive(frame: ServerFrame): void {
    if (this.stopped) return
    if ('seq' in frame && typeof frame.seq === 'number') {
      if (this.awaitingFirst && frame.seq !== 1) return
      this.awaitingFirst = false
      if (frame.seq !== this.seq + 1) {
        // Frames were lost: subscribe again with what is held, the server sends the rest.
        this.awaitingFirst = true
        this.seq = 0
        return this.host.resubscribe(this)
      }
      this.seq = frame.seq
    }
    switch (frame.msg) {
      case 'added':
      case 'changed':
      case 'removed':
        this.apply(frame)
        return this.changed()
      case 'resync':
        return this.clear()
      case 'ready':
        this.isReady = true
        this.settle?.resolve()
        this.settle = null
        return this.changed()
      case 'nosub': {
        const error = new RealtimeError(
          frame.error ?? { msg: 'error', status: 410, code: 'WEFT_SUBSCRIPTION_ENDED', title: 'Gone' },
        )
        this.stopped = true
        this.clear()
        this.host.forget(this)
        if (this.settle) this.settle.reject(error)
        this.settle = null
        return this.emit('error', error)
      }
    }
  }

  /** @internal The connection was replaced: numbering starts again with the new `sub`. */
  restart(): void {
    this.seq = 0
    this.awaitingFirst = false
  }

  /** @internal Optimistic writes came or went. */
  changed(): void {
    if (this.isReady) this.emit('change', this.docs)
  }

  private apply(frame: LiveDataFrame): void {
    const key = documentKey(frame.collection, frame.id)
    const { store } = this.host
    if (frame.msg !== 'removed' && frame.shared) {
      // Values the server did not send again: this client holds them from another subscription.
      for (const [field, from] of Object.entries(frame.shared))
        frame.fields[field] = store.own(key, from)?.[field]
    }
    if (frame.msg === 'added') {
      this.collections.add(frame.collection)
      store.set(key, frame.id, this.id, frame.fields)
      const at = this.keys.indexOf(key)
      // A replacement that names its place moves there (a resumed document whose sort key changed).
      if (at >= 0 && frame.before !== undefined) this.keys.splice(at, 1)
      if (at < 0 || frame.before !== undefined) this.place(key, frame.before, frame.collection)
    } else if (frame.msg === 'changed') store.change(key, this.id, frame.fields, frame.cleared)
    else {
      store.drop(key, this.id)
      this.keys = this.keys.filter((k) => k !== key)
    }
  }

  /** Puts a new key before the document the server named (sorted queries), else last. */
  private place(key: string, before: unknown, collection: string): void {
    const at =
      before === undefined || before === null ? -1 : this.keys.indexOf(documentKey(collection, before))
    if (at < 0) this.keys.push(key)
    else this.keys.splice(at, 0, key)
  }

  private clear(): void {
    for (const key of this.keys) this.host.store.drop(key, this.id)
    this.keys = []
  }
}
