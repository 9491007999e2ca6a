// The PostgreSQL change feed: every write sends `pg_notify` in its own statement, so a
// change is announced only if it commits, and every process LISTENing on the store's
// channel sees it, whichever connection made it. NOTIFY payloads are capped at 8000
// bytes, so a large document is left out and fetched by id here instead.

import type { ChangeEvent, DocId, StoredDocument } from '../store.js'
import { decodeDoc, decodeId } from './json-codec.js'

/** Documents bigger than this (as JSON text) travel by id only. */
export const NOTIFY_DOC_LIMIT = 7000

/** SQL for the payload of a change, from a `RETURNING _id, body` row named `w`. */
export function notifyPayload(collectionParam: string, type: ChangeEvent['type']): string {
  const doc = `CASE WHEN octet_length(w.body) <= ${NOTIFY_DOC_LIMIT} THEN w.body::json END`
  const field = type === 'delete' ? 'before' : 'doc'
  return `json_build_object('c', ${collectionParam}::text, 't', '${type}', 'id', w._id, '${field}', ${doc})::text`
}

interface Payload {
  c: string
  t: ChangeEvent['type']
  id?: string
  /** A batch insert announces its ids only, in chunks that fit a payload. */
  ids?: string[]
  doc?: object | null
  before?: object | null
}

/**
 * SQL announcing the rows of a batch insert (`RETURNING seq, _id` named `w`) by id: one
 * notification per ~6000 bytes of ids, instead of one per document (a NOTIFY per row
 * costs a batch insert about 40%).
 */
export function notifyIds(channelParam: string, collectionParam: string): string {
  return (
    `, n AS (SELECT seq, _id, sum(octet_length(_id) * 2 + 4) OVER (ORDER BY seq) / 6000 AS chunk FROM w) ` +
    `SELECT pg_notify(${channelParam}, json_build_object('c', ${collectionParam}::text, 't', 'insert', ` +
    "'ids', json_agg(_id ORDER BY seq))::text) FROM n GROUP BY chunk"
  )
}

export interface ChangeSink {
  /** Publishes to the collection's watchers; false when nobody watches it. */
  publish(collection: string, event: ChangeEvent, before?: StoredDocument): void
  watching(collection: string): boolean
  /** Documents by `_id` column value (missing ones are gone since). */
  fetch(collection: string, keys: string[]): Promise<Map<string, StoredDocument>>
}

/**
 * Keeps one dedicated connection LISTENing and turns notifications into change events,
 * in the order they were committed (fetches are chained so a slow one cannot reorder).
 */
export class ChangeListener {
  readonly #connect: () => Promise<any>
  readonly #channel: string
  readonly #sink: ChangeSink
  #client: any = null
  #chain: Promise<void> = Promise.resolve()
  #closed = false

  constructor(connect: () => Promise<any>, channel: string, sink: ChangeSink) {
    this.#connect = connect
    this.#channel = channel
    this.#sink = sink
  }

  async start(): Promise<void> {
    const client = await this.#connect()
    client.on('notification', (message: { channel: string; payload?: string }) => {
      if (message.channel === this.#channel && message.payload) this.#receive(message.payload)
    })
    // A dropped listening connection is replaced; changes made meanwhile are missed,
    // as with any LISTEN-based feed.
    client.on('error', () => this.#reconnect(client))
    client.on('end', () => this.#reconnect(client))
    await client.query(`LISTEN ${quote(this.#channel)}`)
    this.#client = client
  }

  async close(): Promise<void> {
    this.#closed = true
    await this.#chain
    await this.#client?.end().catch(() => undefined)
  }

  #reconnect(client: any): void {
    if (this.#closed || this.#client !== client) return
    this.#client = null
    setTimeout(() => {
      if (!this.#closed) this.start().catch(() => this.#reconnect(client))
    }, 500).unref?.()
  }

  #receive(text: string): void {
    const payload = JSON.parse(text) as Payload
    if (!this.#sink.watching(payload.c)) return
    this.#chain = this.#chain.then(() => this.#deliver(payload)).catch(() => undefined)
  }

  async #deliver(payload: Payload): Promise<void> {
    if (payload.ids) return this.#deliverBatch(payload.c, payload.ids)
    const key = payload.id!
    const id: DocId = decodeId(key)
    if (payload.t === 'delete') {
      const before = payload.before ? decodeDoc(payload.before) : undefined
      this.#sink.publish(payload.c, { type: 'delete', collection: payload.c, id }, before)
      return
    }
    const doc = payload.doc ? decodeDoc(payload.doc) : (await this.#sink.fetch(payload.c, [key])).get(key)
    // Fetched late, a large document may already be gone; there is nothing to show then.
    if (doc) this.#sink.publish(payload.c, { type: payload.t, collection: payload.c, id, doc })
  }

  async #deliverBatch(collection: string, keys: string[]): Promise<void> {
    const docs = await this.#sink.fetch(collection, keys)
    for (const key of keys) {
      const doc = docs.get(key)
      if (doc) this.#sink.publish(collection, { type: 'insert', collection, id: decodeId(key), doc })
    }
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
