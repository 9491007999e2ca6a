// The replay window of one channel: the last message frames sent on it, so a client that
// rejoins with `since: {epoch, seq}` gets exactly what it missed (docs/protocol.md).
// Bounded three ways, each configurable: age, count and bytes. Past any of them the
// oldest frames go, and a client that needs one of them is told to resync.

export interface ReplayOptions {
  /** How long a message stays replayable, in ms. Default 2 minutes. */
  window: number
  /** Messages kept per channel. Default 1000. */
  messages: number
  /** Bytes of frames kept per channel. Default 1 MiB. */
  bytes: number
}

export const DEFAULT_REPLAY: ReplayOptions = { window: 120_000, messages: 1000, bytes: 1024 * 1024 }

interface Entry {
  seq: number
  frame: string
  at: number
}

export class ReplayBuffer {
  private entries: Entry[] = []
  /** Index of the oldest kept entry: dropping from the front moves it, compaction is occasional. */
  private start = 0
  /** Bytes held by entries from `start` on (string length: a cheap, stable measure). */
  private held = 0

  constructor(private readonly options: ReplayOptions) {}

  /** Keeps the frame of message `seq`; seqs arrive in order, one apart. */
  push(seq: number, frame: string, now = Date.now()): void {
    this.entries.push({ seq, frame, at: now })
    this.held += frame.length
    this.prune(now)
  }

  /**
   * The frames after `seq` up to `last` (the channel's newest), or null when some of them
   * are no longer held: the window passed, or a bound pushed them out.
   */
  after(seq: number, last: number, now = Date.now()): string[] | null {
    if (seq === last) return []
    if (seq > last || seq < 0) return null
    this.prune(now)
    const first = this.entries[this.start]
    if (!first || first.seq > seq + 1) return null
    const from = this.start + (seq + 1 - first.seq)
    return this.entries.slice(from).map((entry) => entry.frame)
  }

  /** Messages and bytes held now: what the memory bounds cap. */
  get size(): { messages: number; bytes: number } {
    return { messages: this.entries.length - this.start, bytes: this.held }
  }

  private prune(now: number): void {
    const { window, messages, bytes } = this.options
    const oldest = now - window
    while (this.start < this.entries.length) {
      const entry = this.entries[this.start]!
      const count = this.entries.length - this.start
      if (entry.at >= oldest && count <= messages && this.held <= bytes) break
      this.held -= entry.frame.length
      this.start++
    }
    if (this.start > 64 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start)
      this.start = 0
    }
  }
}
