// Credentials that expire on a long-lived socket: the client is asked to renew before the
// deadline (`reauth`), and a connection still holding an expired credential is closed 4001.
import { Context, type HeadMeasure } from '../http/context.js'
import { RealtimeCloseCode } from '../shared/realtime-protocol.js'
import type { Connection } from './connection.js'

/** setTimeout's ceiling (about 24.8 days); a later deadline is re-armed when this one fires. */
const LONGEST_TIMER = 2 ** 31 - 1

/** Arms (or re-arms) a connection's renewal: `reauth` at `expiresAt - renewBefore`, close at `expiresAt`. */
export function scheduleRenewal(conn: Connection<any>, renewBefore: number): void {
  clearTimeout(conn.renewal)
  conn.renewal = undefined
  const deadline = conn.expiresAt
  if (deadline === undefined) return
  const askIn = deadline - renewBefore - Date.now()
  conn.renewal = setTimeout(
    () => {
      if (askIn > LONGEST_TIMER) return scheduleRenewal(conn, renewBefore)
      conn.send(JSON.stringify({ msg: 'reauth', deadline }))
      conn.renewal = setTimeout(
        () => conn.socket.close(RealtimeCloseCode.unauthenticated, 'credential expired'),
        Math.max(0, deadline - Date.now()),
      )
    },
    Math.min(LONGEST_TIMER, Math.max(0, askIn)),
  )
}

/**
 * What `authenticate(ctx, token)` gets when a client renews on an open socket: a request
 * with no cookies, carrying the token as a bearer `Authorization` header.
 */
export function renewalContext(token: string): Context {
  return new RenewalContext(token)
}

/** A bodiless GET whose only header is the bearer token being renewed. */
class RenewalContext extends Context {
  private readonly headerMap: Record<string, string>

  constructor(token: string) {
    super('GET', '/', '', 0)
    this.headerMap = { authorization: `Bearer ${token}` }
  }

  head(): HeadMeasure | null {
    return null
  }

  get secure(): boolean {
    return false
  }

  headerValue(name: string): string | undefined {
    return this.headerMap[name]
  }

  protected allHeaders(): Record<string, string> {
    return { ...this.headerMap }
  }

  protected async readBytes(): Promise<Uint8Array> {
    return new Uint8Array()
  }

  protected toRequest(): Request {
    return new Request('http://localhost/', { headers: this.headerMap })
  }
}
