// A channel this instance has local subscribers for (or had, within the replay window):
// its numbering, its replay window, and its subscribers. Numbering is local (in-process
// and pub/sub brokers) or shared, when a broker's log numbers every channel message for
// all instances (Redis Streams, NATS JetStream): then messages arrive already numbered.
import { messageFrame, messageHead } from '../shared/realtime-protocol.js'
import type { LogPosition } from './brokers/broker.js'
import type { Connection } from './connection.js'
import { ReplayBuffer, type ReplayOptions } from './replay.js'

export class Topic {
  readonly subscribers = new Set<Connection<any>>()
  /** The numbering the channel's messages are in, and the last sequence number sent in it. */
  epoch: string
  seq = 0
  /** While the topic has no subscribers: the timer that drops it once the replay window passed. */
  lingering: ReturnType<typeof setTimeout> | undefined = undefined
  /** Joins under way that will subscribe once they have read the log: the topic stays meanwhile. */
  joining = 0
  /** Whether the numbering grows by exactly one per message, so a gap means a loss. */
  gapless = true
  /** Resolves once a shared numbering's position is known; messages that come before wait. */
  ready: Promise<void> = Promise.resolve()
  private early: [string, number, string][] | null = null
  private readonly head: string
  private replay: ReplayBuffer | null

  constructor(
    readonly name: string,
    epoch: string,
    private readonly replayOptions: ReplayOptions | false,
  ) {
    this.epoch = epoch
    this.head = messageHead(name)
    this.replay = replayOptions ? new ReplayBuffer(replayOptions) : null
  }

  /** Numbers one message here, keeps it for replay, and sends the same frame to every subscriber. */
  deliver(dataJson: string): void {
    this.emit(++this.seq, dataJson)
  }

  /**
   * Waits for the shared numbering's position (`position` resolves with it); what arrives
   * meanwhile is kept and delivered after, when it is newer.
   */
  follow(position: Promise<LogPosition>, fallbackEpoch: () => string): void {
    this.early = []
    this.ready = position.then(
      (at) => this.start(at.epoch, at.seq),
      () => this.start(fallbackEpoch(), 0),
    )
  }

  /** Delivers a message the shared log numbered. Another epoch or a gap tells subscribers to resync. */
  deliverAt(epoch: string, seq: number, dataJson: string): void {
    if (this.early) return void this.early.push([epoch, seq, dataJson])
    if (epoch === this.epoch && seq <= this.seq) return // already sent
    if (epoch !== this.epoch || (this.gapless && seq !== this.seq + 1)) this.renumber(epoch, seq - 1)
    this.emit(seq, dataJson)
  }

  /**
   * Starts a new numbering (the log's epoch changed, a message was lost, or the log is out
   * of reach and this instance numbers alone): subscribers are told to resync.
   */
  renumber(epoch: string, seq: number): void {
    this.epoch = epoch
    this.seq = seq
    if (this.replayOptions) this.replay = new ReplayBuffer(this.replayOptions)
    this.send(JSON.stringify({ msg: 'resync', channel: this.name, epoch, seq }))
  }

  /**
   * The frames a client that saw `since` missed, in order, from this instance's window;
   * null when they are not all here (another epoch, or past the window).
   */
  missed(since: LogPosition): string[] | null {
    if (since.epoch !== this.epoch || !this.replay) return null
    return this.replay.after(since.seq, this.seq)
  }

  /** The frame of message `seq`, for messages read back from a shared log. */
  frame(seq: number, dataJson: string): string {
    return messageFrame(this.head, seq, dataJson)
  }

  /** What the replay window holds now. */
  get held(): { messages: number; bytes: number } {
    return this.replay?.size ?? { messages: 0, bytes: 0 }
  }

  /** Sends one encoded frame (presence, say) to every local subscriber but `except`. */
  send(frame: string, except?: Connection<any>): void {
    for (const conn of this.subscribers) if (conn !== except) conn.send(frame)
  }

  private start(epoch: string, seq: number): void {
    this.epoch = epoch
    this.seq = seq
    const early = this.early ?? []
    this.early = null
    for (const [e, s, json] of early) this.deliverAt(e, s, json)
  }

  private emit(seq: number, dataJson: string): void {
    this.seq = seq
    const frame = messageFrame(this.head, seq, dataJson)
    this.replay?.push(seq, frame)
    for (const conn of this.subscribers) conn.send(frame)
  }
}
