// The server's half of the mergebox: what this connection's client holds, per document,
// field and subscription, exactly as it was sent. When a subscription publishes a field
// value the client already holds from another subscription of the same document, the frame
// names that subscription (`shared: { field: sub }`) instead of carrying the value again:
// the client copies it. Each subscription's fields stay whole on the client (what its
// resume digest covers), so a field stays while any subscription still publishes it.
//
// The bookkeeping costs the JSON of every field sent; a publication declared with
// `mergebox: false` is not tracked (its frames always carry their values).
import { documentKey } from '../shared/live-digest.js'

/** One change to a document a subscription publishes, as it goes to the client. */
export type Change =
  /** `replacing`: the client already holds the document (a resume, or a removal then an add). */
  | { kind: 'added'; id: unknown; fields: Record<string, unknown>; before?: unknown; replacing?: boolean }
  | { kind: 'changed'; id: unknown; fields: Record<string, unknown>; cleared: string[] }
  | { kind: 'removed'; id: unknown }

/** What goes on the wire for one change: the values to send and the ones to copy. */
export interface Encoded {
  fields: Record<string, unknown>
  shared?: Record<string, string>
}

/** Smallest encoded value worth sharing: below it the reference is as long as the value. */
const SHARE_FROM = 16

export class MergeBox {
  /** document key -> field -> subscription -> the value's JSON, as the client holds it. */
  private readonly docs = new Map<string, Map<string, Map<string, string>>>()

  /** Records a change as sent and encodes its fields. */
  send(sub: string, collection: string, change: Change): Encoded | null {
    const key = documentKey(collection, change.id)
    if (change.kind === 'removed') {
      this.forget(key, sub)
      return null
    }
    if (change.kind === 'added') this.forget(key, sub)
    let fields = this.docs.get(key)
    if (!fields) this.docs.set(key, (fields = new Map()))
    const encoded: Encoded = { fields: {} }
    for (const [field, value] of Object.entries(change.fields)) {
      const json = JSON.stringify(value) ?? 'null'
      let holders = fields.get(field)
      if (!holders) fields.set(field, (holders = new Map()))
      const from = json.length >= SHARE_FROM ? holderOf(holders, json, sub) : undefined
      if (from === undefined) encoded.fields[field] = value
      else (encoded.shared ??= {})[field] = from
      holders.set(sub, json)
    }
    if (change.kind === 'changed') for (const field of change.cleared) this.clear(fields, field, sub)
    if (fields.size === 0) this.docs.delete(key)
    return encoded
  }

  /** What the client holds of a document for a subscription after a resume that sent nothing for it. */
  hold(sub: string, collection: string, id: unknown, fields: Record<string, unknown>): void {
    this.send(sub, collection, { kind: 'added', id, fields })
  }

  /** A stopped subscription: the client dropped everything it held for it. */
  drop(sub: string): void {
    for (const [key, fields] of this.docs) {
      for (const [field, holders] of fields) {
        holders.delete(sub)
        if (holders.size === 0) fields.delete(field)
      }
      if (fields.size === 0) this.docs.delete(key)
    }
  }

  private forget(key: string, sub: string): void {
    const fields = this.docs.get(key)
    if (!fields) return
    for (const field of [...fields.keys()]) this.clear(fields, field, sub)
    if (fields.size === 0) this.docs.delete(key)
  }

  private clear(fields: Map<string, Map<string, string>>, field: string, sub: string): void {
    const holders = fields.get(field)
    if (!holders) return
    holders.delete(sub)
    if (holders.size === 0) fields.delete(field)
  }
}

function holderOf(holders: Map<string, string>, json: string, except: string): string | undefined {
  for (const [sub, held] of holders) if (sub !== except && held === json) return sub
  return undefined
}
