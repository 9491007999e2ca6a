// The client's mergebox: every document its subscriptions hold, once. Each subscription's
// fields of a document are kept apart and merged in subscription order, so a field stays
// while any subscription still publishes it. Optimistic writes of pending method calls lie
// on top as layers, dropped when the call fails (rollback) or its `updated` arrives.
import { documentKey } from '../shared/live-digest.js'

type Fields = Record<string, unknown>

interface HeldDoc {
  id: unknown
  /** The fields each subscription published, by subscription id, in subscription order. */
  bySub: Map<string, Fields>
}

type LocalOp =
  | { kind: 'insert'; sub: string; key: string; id: unknown; fields: Fields }
  | { kind: 'update'; key: string; fields: Fields; cleared: string[] }
  | { kind: 'remove'; key: string }

/** What `rt.call(…, { optimistic })` is given: writes that show at once and last until the call settles. */
export interface LocalWrites {
  /** Shows `doc` in the subscription (an `_id` is made up when it has none). */
  insert(sub: { readonly id: string; readonly collection?: string }, doc: Fields, collection?: string): void
  /** Sets `fields` (undefined clears one) on a document wherever it shows. */
  update(collection: string, id: unknown, fields: Fields): void
  /** Hides a document everywhere. */
  remove(collection: string, id: unknown): void
}

export class LiveDocs {
  private readonly docs = new Map<string, HeldDoc>()
  private readonly layers = new Map<string, LocalOp[]>()
  /** Fields of stopped subscriptions, until the server confirms (`nosub`): its frames may still copy from them. */
  private readonly retired = new Map<string, Map<string, Fields>>()
  private locals = 0

  /** A subscription's fields of a document: replaced by `added`. */
  set(key: string, id: unknown, sub: string, fields: Fields): void {
    let doc = this.docs.get(key)
    if (!doc) this.docs.set(key, (doc = { id, bySub: new Map() }))
    doc.bySub.set(sub, { ...fields })
  }

  change(key: string, sub: string, fields: Fields, cleared: readonly string[]): void {
    const own = this.docs.get(key)?.bySub.get(sub)
    if (!own) return
    Object.assign(own, fields)
    for (const field of cleared) delete own[field]
  }

  /** The subscription no longer holds the document; it goes when none does. */
  drop(key: string, sub: string): void {
    const doc = this.docs.get(key)
    if (!doc) return
    doc.bySub.delete(sub)
    if (doc.bySub.size === 0) this.docs.delete(key)
  }

  /** The fields a subscription itself holds of a document (what its resume digest covers). */
  own(key: string, sub: string): Fields | undefined {
    return this.docs.get(key)?.bySub.get(sub) ?? this.retired.get(sub)?.get(key)
  }

  /** A stopped subscription's document: gone from view, kept for frames that copy from it. */
  retire(key: string, sub: string): void {
    const fields = this.docs.get(key)?.bySub.get(sub)
    if (fields) {
      let kept = this.retired.get(sub)
      if (!kept) this.retired.set(sub, (kept = new Map()))
      kept.set(key, fields)
    }
    this.drop(key, sub)
  }

  /** The server confirmed the subscription ended: nothing refers to its fields any more. */
  release(sub: string): void {
    this.retired.delete(sub)
  }

  /** A new connection: its frames refer to no subscription of the old one. */
  releaseAll(): void {
    this.retired.clear()
  }

  /** The document as shown: every subscription's fields merged, then the optimistic layers. */
  view(key: string): { _id: unknown; [field: string]: unknown } | undefined {
    const doc = this.docs.get(key)
    let shown: Fields | undefined
    let id = doc?.id
    if (doc) {
      shown = {}
      for (const fields of doc.bySub.values()) Object.assign(shown, fields)
    }
    for (const ops of this.layers.values()) {
      for (const op of ops) {
        if (op.key !== key) continue
        if (op.kind === 'remove') shown = undefined
        else if (op.kind === 'insert') {
          shown = { ...op.fields }
          id = op.id
        } else if (shown) {
          shown = { ...shown, ...op.fields }
          for (const field of op.cleared) delete shown[field]
        }
      }
    }
    return shown && { _id: id, ...shown }
  }

  /** Keys the optimistic layers insert into a subscription, in order. */
  inserted(sub: string): string[] {
    const keys: string[] = []
    for (const ops of this.layers.values())
      for (const op of ops) if (op.kind === 'insert' && op.sub === sub) keys.push(op.key)
    return keys
  }

  /** Records a call's optimistic writes; returns whether it made any. */
  layer(
    call: string,
    write: (local: LocalWrites) => void,
    collectionOf: (sub: string) => string | undefined,
  ): boolean {
    const ops: LocalOp[] = []
    write({
      insert: (sub, doc, collection) => {
        const { _id, ...fields } = doc
        const id = _id ?? `local-${++this.locals}`
        const name = collection ?? collectionOf(sub.id) ?? ''
        ops.push({ kind: 'insert', sub: sub.id, key: documentKey(name, id), id, fields })
      },
      update: (collection, id, fields) => {
        const set: Fields = {}
        const cleared: string[] = []
        for (const [field, value] of Object.entries(fields)) {
          if (value === undefined) cleared.push(field)
          else set[field] = value
        }
        ops.push({ kind: 'update', key: documentKey(collection, id), fields: set, cleared })
      },
      remove: (collection, id) => ops.push({ kind: 'remove', key: documentKey(collection, id) }),
    })
    if (ops.length) this.layers.set(call, ops)
    return ops.length > 0
  }

  /** Drops a call's optimistic writes (rolled back, or replaced by the real data). */
  unlayer(call: string): boolean {
    return this.layers.delete(call)
  }
}
