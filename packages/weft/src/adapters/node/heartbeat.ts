// Pings on Node: each socket once per idle timeout, and a socket that answered nothing
// since its last ping is dropped. The sockets are spread over slices pinged one after
// another through the interval: pinging 50,000 sockets in one turn would hold every other
// message back behind 50,000 writes (about 0.75 s on loopback) once per interval.

/** What the heartbeat needs of a socket. */
export interface Beating {
  /** Heard from since the last ping. */
  alive: boolean
  /** The slice this socket is in, so closing it can leave. */
  beat: Set<Beating> | null
  ping(): void
  terminate(): void
}

/** How often a slice is pinged, at most; a short idle timeout uses fewer slices. */
const TICK_MS = 250
const MAX_SLICES = 100

export class Heartbeat {
  private readonly slices: Set<Beating>[]
  private readonly timer: ReturnType<typeof setInterval>
  /** The slice the next socket joins, and the slice the next tick pings. */
  private joining = 0
  private due = 0

  constructor(every: number) {
    const count = Math.min(MAX_SLICES, Math.max(1, Math.floor(every / TICK_MS)))
    this.slices = Array.from({ length: count }, () => new Set())
    this.timer = setInterval(() => this.tick(), every / count)
    this.timer.unref()
  }

  add(socket: Beating): void {
    const slice = this.slices[this.joining]!
    this.joining = (this.joining + 1) % this.slices.length
    slice.add(socket)
    socket.beat = slice
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private tick(): void {
    const slice = this.slices[this.due]!
    this.due = (this.due + 1) % this.slices.length
    for (const socket of slice) {
      if (!socket.alive) socket.terminate()
      else {
        socket.alive = false
        socket.ping()
      }
    }
  }
}
