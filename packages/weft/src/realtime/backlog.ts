// A connection's outgoing live data while its socket is behind. Changes go straight out
// while the socket keeps up; once more than `coalesceAt` bytes wait in its buffer they are
// held here, one entry per subscription and document, each new change merged into the
// entry (a document edited 100 times while the client lags costs one frame). The entries go
// out as the socket drains. The part-1 send buffer limit still closes a consumer that
// never drains (4008): holding back bounds memory per document, not per change.
import type { Connection } from './connection.js'
import { type Change, MergeBox } from './mergebox.js'

/** What the backlog needs of a subscription: its id and the counter its frames number with. */
export interface Numbered {
  readonly id: string
  seq: number
  /** Whether the mergebox keeps what the client holds for it (see mergebox.ts). */
  readonly tracked: boolean
}

type Held =
  | { sub: Numbered; collection: string; change: Change }
  | { sub: Numbered | undefined; frame: string }

/** How often a held backlog checks whether the socket has drained. */
const DRAIN_POLL_MS = 10

export class Backlog {
  private readonly held = new Map<string | symbol, Held>()
  private readonly box = new MergeBox()
  private timer: ReturnType<typeof setTimeout> | undefined = undefined

  constructor(
    private readonly conn: Connection<any>,
    private readonly coalesceAt: number,
  ) {}

  push(sub: Numbered, collection: string, change: Change): void {
    if (this.held.size === 0 && !this.behind()) return this.sendChange(sub, collection, change)
    const key = `${sub.id}\u0000${collection}\u0000${JSON.stringify(change.id)}`
    const before = this.held.get(key)
    if (!before || !('change' in before)) this.held.set(key, { sub, collection, change })
    else {
      const merged = coalesce(before.change, change)
      if (merged) before.change = merged
      else this.held.delete(key)
    }
    this.schedule()
  }

  /** Sends `frame` (numbered in `sub` when given) after every held change. */
  sendAfter(frame: string, sub?: Numbered): void {
    if (this.held.size === 0 && !this.behind()) return this.sendFrame(frame, sub)
    this.held.set(Symbol(), { sub, frame })
    this.schedule()
  }

  /** Forgets a stopped subscription: its held changes, and what the client held for it. */
  drop(sub: Numbered): void {
    for (const [key, held] of this.held) if (held.sub === sub) this.held.delete(key)
    if (sub.tracked) this.box.drop(sub.id)
  }

  /** A resumed document the client already holds as it is: nothing is sent, the mergebox notes it. */
  holds(sub: Numbered, collection: string, id: unknown, fields: Record<string, unknown>): void {
    if (sub.tracked) this.box.hold(sub.id, collection, id, fields)
  }

  clear(): void {
    this.held.clear()
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private behind(): boolean {
    return this.conn.socket.bufferedAmount > this.coalesceAt
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.drain(), DRAIN_POLL_MS)
  }

  /** Sends held entries in order until the socket is behind again. */
  private drain(): void {
    this.timer = undefined
    if (!this.conn.connected) return this.clear()
    for (const [key, held] of this.held) {
      if (this.behind()) return this.schedule()
      this.held.delete(key)
      if ('change' in held) this.sendChange(held.sub, held.collection, held.change)
      else this.sendFrame(held.frame, held.sub)
    }
  }

  private sendChange(sub: Numbered, collection: string, change: Change): void {
    const seq = ++sub.seq
    const head = { sub: sub.id, seq, collection, id: change.id }
    // The mergebox notes what the client now holds, and sends held values as references.
    const encoded = sub.tracked ? this.box.send(sub.id, collection, change) : null
    switch (change.kind) {
      case 'added': {
        const frame = { msg: 'added', ...head, ...(encoded ?? { fields: change.fields }) }
        const placed = change.before === undefined ? frame : { ...frame, before: change.before }
        this.conn.send(JSON.stringify(placed))
        return
      }
      case 'changed': {
        const { fields, shared } = encoded ?? { fields: change.fields }
        const frame = { msg: 'changed', ...head, fields, cleared: change.cleared }
        this.conn.send(JSON.stringify(shared ? { ...frame, shared } : frame))
        return
      }
      case 'removed':
        this.conn.send(JSON.stringify({ msg: 'removed', ...head }))
    }
  }

  /** A prepared frame; `{"msg":…}` gets its subscription's next number spliced in. */
  private sendFrame(frame: string, sub: Numbered | undefined): void {
    this.conn.send(sub ? `${frame.slice(0, -1)},"seq":${++sub.seq}}` : frame)
  }
}

/**
 * Two changes to one document as one, or null when they cancel (added then removed: the
 * client never saw it). An `added` for a document the client has replaces its fields.
 */
export function coalesce(first: Change, next: Change): Change | null {
  if (next.kind === 'removed') return first.kind === 'added' && !first.replacing ? null : next
  if (next.kind === 'added')
    return first.kind === 'removed' || (first.kind === 'added' && first.replacing) || first.kind === 'changed'
      ? { ...next, replacing: true }
      : next
  if (first.kind === 'removed') return first // a change after removal cannot happen; keep the removal
  const fields = { ...first.fields, ...next.fields }
  for (const field of next.cleared) delete fields[field]
  if (first.kind === 'added') return { ...first, fields }
  const cleared = new Set(first.cleared.filter((field) => !(field in next.fields)))
  for (const field of next.cleared) cleared.add(field)
  return { kind: 'changed', id: first.id, fields, cleared: [...cleared] }
}
