// A joined channel on the client: its messages, its presence (the full state, then diffs
// applied as they come), and sending to it.
import type { PresenceMeta, PresenceState, ServerFrame } from '../shared/realtime-protocol.js'
import { Emitter } from './emitter.js'
import { RealtimeError } from './realtime-error.js'

/** What a room needs of its client. */
export interface RoomHost {
  sendFrame(frame: object): boolean
  leaveRoom(room: Room<any, any>): void
}

type RoomEvents<Receive> = {
  message: (data: Receive, info: { seq: number }) => void
  presence: (state: PresenceState) => void
  /** The server could not replay what was missed while offline: refetch the channel's state. */
  resync: () => void
  error: (error: RealtimeError) => void
}

/** A joined channel: its messages, its presence, and sending to it. */
export class Room<Send = unknown, Receive = unknown> extends Emitter<RoomEvents<Receive>> {
  /** Who is in the channel now: key -> the metas of its connections. */
  presence: PresenceState = {}
  /** Resolves when the server accepted the first join; rejects with its error. */
  readonly joined: Promise<void>
  /** The last sequence number received, and the epoch it counts in. */
  seq = 0
  epoch = ''
  private settle: { resolve(): void; reject(error: RealtimeError): void } | null = null

  constructor(
    readonly channel: string,
    private readonly client: RoomHost,
  ) {
    super()
    this.joined = new Promise((resolve, reject) => (this.settle = { resolve, reject }))
    this.joined.catch(() => {})
  }

  /** Sends to the channel (the server validates it); kept while offline. False when the buffer is full. */
  send(data: Send): boolean {
    return this.client.sendFrame({ msg: 'publish', channel: this.channel, data })
  }

  leave(): void {
    this.client.leaveRoom(this)
  }

  /** @internal */
  receive(frame: ServerFrame): void {
    switch (frame.msg) {
      case 'joined':
        this.epoch = frame.epoch
        this.seq = frame.seq
        this.settle?.resolve()
        this.settle = null
        return
      case 'message':
        // A frame already seen (a replay overlapping what arrived) is not delivered twice.
        if (frame.seq <= this.seq) return
        this.seq = frame.seq
        return this.emit('message', frame.data as Receive, { seq: frame.seq })
      case 'resync':
        if (!('channel' in frame)) return
        this.epoch = frame.epoch
        this.seq = frame.seq
        return this.emit('resync')
      case 'presence':
        this.presence = 'state' in frame ? frame.state : applyDiff(this.presence, frame.joins, frame.leaves)
        return this.emit('presence', this.presence)
      case 'error': {
        const error = new RealtimeError(frame)
        if (this.settle) {
          this.settle.reject(error)
          this.settle = null
        }
        return this.emit('error', error)
      }
    }
  }
}

function applyDiff(state: PresenceState, joins: PresenceState, leaves: PresenceState): PresenceState {
  const next: PresenceState = { ...state }
  for (const key in leaves) {
    const gone = new Set(leaves[key].map((meta) => meta.ref))
    const kept = (next[key] ?? []).filter((meta) => !gone.has(meta.ref))
    if (kept.length) next[key] = kept
    else delete next[key]
  }
  for (const key in joins) {
    const metas: PresenceMeta[] = [...(next[key] ?? [])]
    for (const meta of joins[key]) if (!metas.some((m) => m.ref === meta.ref)) metas.push(meta)
    next[key] = metas
  }
  return next
}
