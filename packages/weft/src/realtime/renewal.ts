// Credentials that expire on a long-lived socket: the client is asked to renew before the
// deadline (`reauth`), and a connection still holding an expired credential is closed 4001.

import { FetchContext } from '../adapters/fetch/context.js'
import type { Context } from '../http/context.js'
import type { Connection } from './connection.js'
import { RealtimeCloseCode } from './protocol.js'

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
  const request = new Request('http://realtime.invalid/', { headers: { authorization: `Bearer ${token}` } })
  return new FetchContext(request, 0, { count: false, size: false })
}
