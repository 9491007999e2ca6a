// What the realtime client's failures look like: an Error carrying the problem fields of
// the server's error frame (status, code, issues).
import type { ErrorFrame } from '../shared/realtime-protocol.js'

/** An error frame from the server, as an Error. */
export class RealtimeError extends Error {
  readonly status: number
  readonly code: string
  readonly issues: ErrorFrame['issues']
  constructor(frame: ErrorFrame) {
    super(frame.detail ?? frame.title)
    this.name = 'RealtimeError'
    this.status = frame.status
    this.code = frame.code
    this.issues = frame.issues
  }
}
