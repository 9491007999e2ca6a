// The PostgreSQL change feed, as a process sees it: one dedicated connection LISTENs and
// turns notifications into change events, in commit order. It LISTENs only from the first
// watch() on: each notification wakes every listening connection and its process (a
// quarter of a PostgreSQL update's time in the data benchmark), which a process that
// watches nothing has no use for. When that connection drops (a restart, a failover, a
// network cut) it reconnects with backoff, LISTENs again and re-reads the changes it
// missed from the `$changes` log, by sequence number: watchers converge on the truth
// instead of silently missing what happened during the gap.

import { DataError } from '../errors.js'
import type { ChangeEvent, DocId, StoredDocument } from '../store.js'
import { decodeDoc, decodeId } from './json-codec.js'
import { changesTable } from './postgres-changes.js'
import { quote } from './postgres-dialect.js'

export interface ChangeSink {
  /** Publishes to the collection's watchers. */
  publish(collection: string, event: ChangeEvent, before?: StoredDocument): void
  watching(collection: string): boolean
  /** Documents by `_id` column value (missing ones are gone since). */
  fetch(collection: string, keys: string[]): Promise<Map<string, StoredDocument>>
  /** Ends every watcher with `error`: the changes they missed can no longer be read. */
  fail(error: DataError): void
}

interface Payload {
  c: string
  t: ChangeEvent['type']
  seq?: number
  id?: string
  /** A batch insert announces its ids only, in chunks that fit a payload. */
  ids?: string[]
  doc?: object | null
  before?: object | string | null
  /** A write fence of some process (see `fence()`); other listeners pass it by. */
  fence?: string
}

export interface ListenerOptions {
  /** Changes older than this are trimmed from the log; a gap longer than it ends watchers. */
  retentionMs?: number
}

// Reconnect after 100 ms, doubling to at most 1 s: back within a second of the server.
const RETRY_FIRST_MS = 100
const RETRY_MAX_MS = 1000
// Sequence numbers are taken when a write starts, so they may commit out of order:
// after a gap, this many numbers below the highest one seen are re-checked too.
const LOOKBACK = 10_000
const TRIM_EVERY_MS = 60_000

export class ChangeListener {
  readonly #connect: () => Promise<any>
  readonly #channel: string
  readonly #log: string
  readonly #sink: ChangeSink
  readonly #retentionMs: number
  #client: any = null
  #chain: Promise<void> = Promise.resolve()
  #closed = false
  #retry: ReturnType<typeof setTimeout> | null = null
  #attempt = 0
  /** When the connection was lost; null while listening. */
  #lostAt: number | null = null
  /** The log's highest seq when this listener first started; older changes are history. */
  #baseline = -1
  #highest = 0
  /** Seqs delivered above `#highest - LOOKBACK`, so a catch-up never repeats one. */
  readonly #seen = new Set<number>()
  readonly #trimMarks: { at: number; seq: number }[] = []
  /** Fences waiting for their own notification, by token. */
  readonly #fences = new Map<string, () => void>()
  #trimTimer: ReturnType<typeof setInterval> | null = null
  /** Set by the first watch(): LISTEN on every connection from then on. */
  #wanted = false
  /** While the first LISTEN is under way; see `starting`. */
  #starting: Promise<void> | null = null

  constructor(
    connect: () => Promise<any>,
    schema: string,
    channel: string,
    sink: ChangeSink,
    options: ListenerOptions = {},
  ) {
    this.#connect = connect
    this.#channel = channel
    this.#log = changesTable(schema)
    this.#sink = sink
    this.#retentionMs = options.retentionMs ?? 10 * 60_000
  }

  /** 'listening', or 'reconnecting' while the connection is lost. */
  get state(): 'listening' | 'reconnecting' | 'closed' {
    if (this.#closed) return 'closed'
    return this.#client && this.#lostAt === null ? 'listening' : 'reconnecting'
  }

  /** Connects (LISTEN waits for `want()`); throws if the database cannot be reached now. */
  async start(): Promise<void> {
    await this.#listen()
    this.#trimTimer = setInterval(() => void this.#trim().catch(() => undefined), TRIM_EVERY_MS)
    this.#trimTimer.unref?.()
  }

  /**
   * Called by each watch(): LISTENs if this process does not yet. pg writes a query to an
   * idle connection at once, so the LISTEN is sent before want() returns; this store's own
   * statements wait on `starting` until the server has it.
   */
  want(): void {
    if (this.#wanted) return
    this.#wanted = true
    const client = this.#client
    // Reconnecting: #listen() LISTENs once connected, and the feed starts from there (as a
    // MongoDB change stream starts once its cursor is open); writes do not wait for it.
    if (!client || this.#lostAt !== null) return
    const started = this.#subscribe(client).catch(() => undefined)
    this.#starting = started.then(() => {
      this.#starting = null
    })
  }

  /**
   * Pending while the first LISTEN is under way: statements wait for it, so a write made
   * right after watch() is one the feed reports, and a live query's first read sees the
   * data as of a moment the feed already covers.
   */
  get starting(): Promise<void> | null {
    return this.#starting
  }

  /**
   * Resolves once every change committed before the call has been published. PostgreSQL
   * delivers notifications in commit order, so a notification sent now arrives after
   * theirs, and the listener handles notifications one after another. Catching up after
   * a lost connection passes every waiting fence (the log holds what it missed).
   */
  async fence(pool: { query(sql: string, params: unknown[]): Promise<unknown> }): Promise<void> {
    // Nothing watches in this process (nothing ever did): there is nobody to wait for.
    if (this.#closed || !this.#wanted) return
    await this.#starting
    const token = globalThis.crypto.randomUUID()
    const passed = new Promise<void>((resolve) => this.#fences.set(token, resolve))
    try {
      await pool.query('SELECT pg_notify($1, $2)', [this.#channel, JSON.stringify({ fence: token })])
    } catch (error) {
      this.#fences.delete(token)
      throw error
    }
    await passed
  }

  /** Lets the fence `token` (or every one) through. */
  #passFences(token?: string): void {
    for (const each of token === undefined ? [...this.#fences.keys()] : [token]) {
      this.#fences.get(each)?.()
      this.#fences.delete(each)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#passFences()
    if (this.#retry) clearTimeout(this.#retry)
    if (this.#trimTimer) clearInterval(this.#trimTimer)
    await this.#chain
    await this.#client?.end().catch(() => undefined)
  }

  async #listen(): Promise<void> {
    const client = await this.#connect()
    if (this.#closed) return void client.end().catch(() => undefined)
    this.#client = client
    client.on('error', () => this.#lost(client))
    client.on('end', () => this.#lost(client))
    client.on('notification', (message: { channel: string; payload?: string }) => {
      if (message.channel === this.#channel && message.payload) this.#receive(message.payload)
    })
    if (this.#wanted) await this.#subscribe(client)
    this.#attempt = 0
    this.#lostAt = null
  }

  /** LISTENs on `client`, then resumes; a failure drops the connection (to retry) and throws. */
  async #subscribe(client: any): Promise<void> {
    // Notifications that arrive meanwhile queue behind the catch-up, so order holds.
    let listening!: (ok: boolean) => void
    const ready = new Promise<boolean>((resolve) => (listening = resolve))
    const resumed = this.#chain.then(async () => {
      if (await ready) await this.#resume(client)
    })
    this.#chain = resumed.catch(() => undefined)
    try {
      await client.query(`LISTEN ${quote(this.#channel)}`)
      listening(true)
      await resumed
    } catch (error) {
      listening(false)
      this.#lost(client)
      throw error
    }
  }

  /** After LISTEN: the first time, note where history ends; after a gap, catch up. */
  async #resume(client: any): Promise<void> {
    if (this.#baseline < 0) {
      const result = await client.query(`SELECT coalesce(max(seq), 0)::float8 AS seq FROM ${this.#log}`)
      this.#baseline = this.#highest = result.rows[0].seq
      return
    }
    if (this.#lostAt !== null && Date.now() - this.#lostAt > this.#retentionMs) {
      this.#sink.fail(
        new DataError(
          'WEFT_DATA_WATCH_GAP',
          'The change feed was disconnected from PostgreSQL for longer than the change log is kept, ' +
            'so changes may have been missed. Re-read, then watch again.',
        ),
      )
    }
    // Fences sent while the connection was down lost their notification: the catch-up covers them.
    const waiting = [...this.#fences.keys()]
    await this.#catchUp(client)
    for (const token of waiting) this.#passFences(token)
  }

  async #catchUp(client: any): Promise<void> {
    const from = Math.max(this.#baseline, this.#highest - LOOKBACK)
    const sql = `SELECT seq::float8 AS seq, c, t, ids, before FROM ${this.#log} WHERE seq > $1 ORDER BY seq`
    const missed = (await client.query(sql, [from])).rows.filter(
      (row: { seq: number }) => !this.#seen.has(row.seq),
    ) as { seq: number; c: string; t: ChangeEvent['type']; ids: string[]; before: string | null }[]
    // One fetch per collection: a missed insert or update shows the document as it is now.
    const keys = new Map<string, string[]>()
    for (const row of missed) {
      if (row.t === 'delete' || !this.#sink.watching(row.c)) continue
      const list = keys.get(row.c) ?? []
      list.push(...row.ids)
      keys.set(row.c, list)
    }
    const docs = new Map<string, Map<string, StoredDocument>>()
    for (const [collection, ids] of keys) docs.set(collection, await this.#sink.fetch(collection, ids))
    for (const row of missed) {
      if (!this.#mark(row.seq) || !this.#sink.watching(row.c)) continue
      if (row.t === 'delete') this.#publishDelete(row.c, row.ids[0], row.before)
      else this.#publishDocs(row.c, row.t, row.ids, docs.get(row.c)!)
    }
  }

  #lost(client: any): void {
    if (this.#client !== client) return
    this.#client = null
    this.#lostAt ??= Date.now()
    client.end().catch(() => undefined)
    this.#scheduleRetry()
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retry) return
    const delay = Math.min(RETRY_FIRST_MS * 2 ** this.#attempt++, RETRY_MAX_MS)
    this.#retry = setTimeout(() => {
      this.#retry = null
      this.#listen().catch(() => this.#scheduleRetry())
    }, delay)
    this.#retry.unref?.()
  }

  #receive(text: string): void {
    const payload = JSON.parse(text) as Payload
    if (typeof payload.fence === 'string') {
      const token = payload.fence
      this.#chain = this.#chain.then(() => this.#passFences(token))
      return
    }
    this.#chain = this.#chain.then(() => this.#deliver(payload)).catch(() => undefined)
  }

  async #deliver(payload: Payload): Promise<void> {
    if (!this.#mark(payload.seq) || !this.#sink.watching(payload.c)) return
    try {
      await this.#publishPayload(payload)
    } catch (error) {
      // Not delivered (the fetch failed): the next catch-up reads it again.
      if (typeof payload.seq === 'number') this.#seen.delete(payload.seq)
      throw error
    }
  }

  async #publishPayload(payload: Payload): Promise<void> {
    if (payload.ids) {
      return this.#publishDocs(
        payload.c,
        'insert',
        payload.ids,
        await this.#sink.fetch(payload.c, payload.ids),
      )
    }
    const key = payload.id!
    if (payload.t === 'delete') return this.#publishDelete(payload.c, key, payload.before ?? null)
    const doc = payload.doc ? decodeDoc(payload.doc) : (await this.#sink.fetch(payload.c, [key])).get(key)
    // Fetched late, a large document may already be gone; its delete follows.
    if (doc) this.#sink.publish(payload.c, { type: payload.t, collection: payload.c, id: decodeId(key), doc })
  }

  #publishDocs(
    collection: string,
    type: 'insert' | 'update',
    keys: string[],
    docs: Map<string, StoredDocument>,
  ) {
    for (const key of keys) {
      const doc = docs.get(key)
      if (doc) this.#sink.publish(collection, { type, collection, id: decodeId(key), doc })
    }
  }

  #publishDelete(collection: string, key: string, before: object | string | null): void {
    const id: DocId = decodeId(key)
    const doc =
      before === null ? undefined : decodeDoc(typeof before === 'string' ? JSON.parse(before) : before)
    this.#sink.publish(collection, { type: 'delete', collection, id }, doc)
  }

  /** Records a delivered seq; false if it was delivered already. */
  #mark(seq: number | undefined): boolean {
    // A writer of an older version sends no seq: deliver, nothing to record.
    if (typeof seq !== 'number') return true
    if (this.#seen.has(seq)) return false
    this.#seen.add(seq)
    if (seq > this.#highest) {
      this.#highest = seq
      if (this.#seen.size > 2 * LOOKBACK) {
        for (const old of this.#seen) if (old <= seq - LOOKBACK) this.#seen.delete(old)
      }
    }
    return true
  }

  /** Deletes log rows older than the retention: a mark per run remembers where each minute ended. */
  async #trim(): Promise<void> {
    const client = this.#client
    if (!client || this.#lostAt !== null) return
    const now = Date.now()
    const result = await client.query(`SELECT coalesce(max(seq), 0)::float8 AS seq FROM ${this.#log}`)
    this.#trimMarks.push({ at: now, seq: result.rows[0].seq })
    let cut: number | null = null
    while (this.#trimMarks.length > 0 && now - this.#trimMarks[0].at > this.#retentionMs) {
      cut = this.#trimMarks.shift()!.seq
    }
    if (cut !== null) await client.query(`DELETE FROM ${this.#log} WHERE seq <= $1`, [cut])
  }
}
