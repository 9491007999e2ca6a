import type { Context } from '../../http/context.js'

/**
 * One client's session: `ctx.state.session`, or `sessionOf(ctx)` typed. Changes are saved
 * when the answer leaves; nothing is stored (and no cookie set) for a session never written.
 */
export class Session {
  /** Set by `regenerate()`: the next save gets a new id (server store) or fresh cookie. */
  regenerated = false
  destroyed = false
  changed = false

  constructor(
    private values: Record<string, unknown>,
    /** The server-side id, or null for cookie sessions and new sessions. */
    public id: string | null,
  ) {}

  get<T = unknown>(key: string): T | undefined {
    return this.values[key] as T | undefined
  }

  set(key: string, value: unknown): void {
    this.values[key] = value
    this.changed = true
  }

  delete(key: string): void {
    if (key in this.values) {
      delete this.values[key]
      this.changed = true
    }
  }

  /** Everything stored, as a plain object. */
  get data(): Record<string, unknown> {
    return this.values
  }

  get isEmpty(): boolean {
    return Object.keys(this.values).length === 0
  }

  /**
   * A new session id with the same values: call it on login (and on any change of
   * privilege) so an id planted before login is worthless after it (session fixation).
   */
  regenerate(): void {
    this.regenerated = true
    this.changed = true
  }

  /** Ends the session: its data is dropped and the cookie cleared. */
  destroy(): void {
    this.values = {}
    this.destroyed = true
  }
}

/** The session of this request; throws when the session middleware is not in front. */
export function sessionOf(ctx: Context): Session {
  const session = ctx.state.session
  if (!(session instanceof Session)) {
    throw new Error(
      'WEFT_NO_SESSION: no session on this request; add app.use(session({ secret })) before this route',
    )
  }
  return session
}
