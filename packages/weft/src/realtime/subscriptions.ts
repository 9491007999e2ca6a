// One connection's subscriptions to publications: `sub` runs the publication and observes
// its cursors, sends the documents (only what a resuming client misses), then `ready`, then
// every change. Each subscription numbers its frames (`seq`). While the socket is behind,
// changes wait here, coalesced per document, and go out once it has drained.
import { liveSource } from '../data/cursor.js'
import { HttpError } from '../http/errors.js'
import { documentKey, fieldsDigest, parseDocumentKey } from '../shared/live-digest.js'
import { errorFrame, type LiveDataFrame, type SubFrame } from '../shared/realtime-protocol.js'
import { Backlog } from './backlog.js'
import { callError, validateArgs } from './call-errors.js'
import { withCallScope } from './call-scope.js'
import type { Connection } from './connection.js'
import type { LiveHandle, LiveQueryHub } from './live-query/index.js'
import type { Change } from './mergebox.js'
import type { PublicationRegistry } from './publications.js'

export interface SubscriptionLimits {
  /** Subscriptions one connection may hold. Default 100. */
  subscriptions: number
  /** Documents a resuming `sub` may list; past it the client is told to resync. Default 10 000. */
  resume: number
  /** Bytes buffered on the socket past which changes are held back and coalesced. Default 64 KiB. */
  coalesceAt: number
}

/** One subscription: its frames' sequence, its live queries, and whether it has been stopped. */
class Subscription {
  seq = 0
  /** Each cursor's live query, with the collection it reads. */
  handles: { collection: string; handle: LiveHandle }[] = []
  stopped = false
  /** Until the first set is sent, changes are already in the handles' `docs`: none go out. */
  live = false

  constructor(
    readonly id: string,
    readonly tracked: boolean,
  ) {}

  stop(): void {
    this.stopped = true
    for (const { handle } of this.handles) handle.stop()
    this.handles = []
  }
}

export interface SessionOptions<User> {
  hub: LiveQueryHub
  publications: PublicationRegistry<User>
  limits: SubscriptionLimits
  dev: boolean | undefined
}

/** A connection's subscriptions and held-back changes. */
export class LiveSession<User = unknown> {
  readonly subs = new Map<string, Subscription>()
  private readonly backlog: Backlog

  constructor(
    private readonly conn: Connection<User>,
    private readonly options: SessionOptions<User>,
  ) {
    this.backlog = new Backlog(conn, options.limits.coalesceAt)
  }

  async subscribe(frame: SubFrame): Promise<void> {
    const { id, name } = frame
    const previous = this.subs.get(id)
    if (previous) {
      // The same id again (a client that saw a gap): it resumes from what it holds.
      previous.stop()
      this.backlog.drop(previous)
      this.subs.delete(id)
    }
    if (this.subs.size >= this.options.limits.subscriptions) {
      const detail = `A connection may hold ${this.options.limits.subscriptions} subscriptions`
      return this.nosub(id, errorFrame(429, 'WEFT_TOO_MANY_SUBSCRIPTIONS', detail, { id }))
    }
    const publication = this.options.publications.get(name)
    if (!publication) {
      return this.nosub(id, errorFrame(404, 'WEFT_NO_SUCH_PUBLICATION', `No publication "${name}"`, { id }))
    }
    const sub = new Subscription(id, publication.mergebox)
    this.subs.set(id, sub)
    try {
      const args = await validateArgs(publication.args, frame.args, name)
      const result = await withCallScope(this.conn, { publication: name, args }, (conn) =>
        publication.run(conn, args),
      )
      const cursors = Array.isArray(result) ? result : [result]
      for (const cursor of cursors) {
        if (sub.stopped) break
        const collection = liveSource(cursor)?.collection
        if (collection === undefined)
          throw new TypeError(
            `WEFT_BAD_PUBLICATION: "${name}" returned something other than collection.find() cursors (without populate)`,
          )
        const handle = await this.options.hub.observe(cursor, this.observer(sub, collection))
        sub.handles.push({ collection, handle })
      }
    } catch (error) {
      if (sub.stopped) return
      sub.stop()
      this.subs.delete(id)
      if (!(error instanceof HttpError)) this.logError(error, name)
      return this.nosub(id, callError(error, this.options.dev, id))
    }
    if (sub.stopped) return sub.stop()
    this.sendInitial(sub, frame.resume)
  }

  unsubscribe(id: string): void {
    const sub = this.subs.get(id)
    if (!sub) return
    sub.stop()
    this.subs.delete(id)
    this.backlog.drop(sub)
    this.nosub(id)
  }

  /** The socket closed: every live query stops. */
  close(): void {
    for (const sub of this.subs.values()) sub.stop()
    this.subs.clear()
    this.backlog.clear()
  }

  /** Sends a frame after every held-back change (so `updated` follows the data it announces). */
  sendAfterChanges(frame: string): void {
    this.backlog.sendAfter(frame)
  }

  /** Errors the logger should hear of: not the app's own HttpErrors. */
  logError: (error: unknown, publication: string) => void = () => {}

  private observer(sub: Subscription, collection: string) {
    const change = (change: Change) => {
      if (sub.live && !sub.stopped) this.backlog.push(sub, collection, change)
    }
    return {
      added: (id: unknown, fields: Record<string, unknown>, before?: unknown) =>
        change({ kind: 'added', id, fields, before }),
      changed: (id: unknown, fields: Record<string, unknown>, cleared: string[]) =>
        change({ kind: 'changed', id, fields, cleared }),
      removed: (id: unknown) => change({ kind: 'removed', id }),
    }
  }

  /**
   * The first set, then `ready`. A resuming client listed a digest per document it holds:
   * it gets `added` (a replacement) only where its copy differs, and `removed` for what
   * left. Sent last to first, each naming the document it sits before, so the client can
   * place it (and move a replaced one) next to a document it already has.
   */
  private sendInitial(sub: Subscription, resume: Record<string, string> | undefined): void {
    sub.live = true
    let held = resume
    if (held && Object.keys(held).length > this.options.limits.resume) {
      held = undefined
      this.conn.send(JSON.stringify({ msg: 'resync', sub: sub.id, seq: ++sub.seq }))
    }
    const present = new Set<string>()
    for (const { collection, handle } of sub.handles) {
      const docs = [...handle.docs]
      let before: unknown = null
      for (let i = docs.length - 1; i >= 0; i--) {
        const [id, fields] = docs[i]
        const key = documentKey(collection, id)
        present.add(key)
        const digest = held?.[key]
        if (digest !== fieldsDigest(fields)) {
          const replacing = digest !== undefined
          this.backlog.push(sub, collection, { kind: 'added', id, fields, before, replacing })
        } else this.backlog.holds(sub, collection, id, fields)
        before = id
      }
    }
    for (const key in held ?? {}) {
      if (present.has(key)) continue
      const gone = parseDocumentKey(key)
      if (gone) this.backlog.push(sub, gone.collection, { kind: 'removed', id: gone.id })
    }
    this.backlog.sendAfter(JSON.stringify({ msg: 'ready', sub: sub.id }), sub)
  }

  private nosub(id: string, error?: ReturnType<typeof errorFrame>): void {
    this.conn.send(JSON.stringify(error ? { msg: 'nosub', sub: id, error } : { msg: 'nosub', sub: id }))
  }
}

export type { LiveDataFrame }
