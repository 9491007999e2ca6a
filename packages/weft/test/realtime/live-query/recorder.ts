// An observer that rebuilds the published result from the calls it receives, and fails
// loudly on a call the contract forbids (adding a document it has, changing or removing
// one it has not): what a client holding the result would see.

import type { DocId, LiveObserver } from '../../../src/realtime/live-query/index.ts'

export interface Recorded {
  id: DocId
  fields: Record<string, unknown>
}

export class Recorder implements LiveObserver {
  readonly order: DocId[] = []
  readonly fields = new Map<DocId, Record<string, unknown>>()
  readonly calls: string[] = []
  readonly errors: string[] = []

  added(id: DocId, fields: Record<string, unknown>, before?: DocId | null): void {
    this.calls.push(`added ${String(id)} ${JSON.stringify(fields)} before ${String(before)}`)
    if (this.fields.has(id)) this.errors.push(`added ${String(id)} twice`)
    this.fields.set(id, { ...fields })
    const at = before === undefined || before === null ? -1 : this.order.indexOf(before)
    if (before !== undefined && before !== null && at < 0)
      this.errors.push(`added before unknown ${String(before)}`)
    if (at < 0) this.order.push(id)
    else this.order.splice(at, 0, id)
  }

  changed(id: DocId, fields: Record<string, unknown>, cleared: string[]): void {
    this.calls.push(`changed ${String(id)} ${JSON.stringify(fields)} cleared ${cleared.join(',')}`)
    const doc = this.fields.get(id)
    if (!doc) return void this.errors.push(`changed unknown ${String(id)}`)
    if (Object.keys(fields).length === 0 && cleared.length === 0)
      this.errors.push(`empty change of ${String(id)}`)
    Object.assign(doc, fields)
    for (const key of cleared) delete doc[key]
  }

  removed(id: DocId): void {
    this.calls.push(`removed ${String(id)}`)
    if (!this.fields.delete(id)) return void this.errors.push(`removed unknown ${String(id)}`)
    this.order.splice(this.order.indexOf(id), 1)
  }

  /** The result as the observer holds it, in its order. */
  list(): Recorded[] {
    return this.order.map((id) => ({ id, fields: this.fields.get(id)! }))
  }
}

/** find()'s answer in the recorder's shape: id and the fields without `_id`. */
export function asRecorded(docs: Record<string, unknown>[]): Recorded[] {
  return docs.map(({ _id, ...fields }) => ({ id: _id as DocId, fields }))
}
