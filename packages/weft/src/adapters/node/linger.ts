// Closing a connection whose request body was left unread: an early 413, or any answer
// sent before the upload ended. Node closes such a socket as soon as the response is
// flushed; the bytes of the upload still on their way then meet a closed socket, the
// kernel answers them with a reset, and the reset makes the client's kernel drop the
// response it had not read yet: the client sees EPIPE or "connection reset" instead of
// the 413 (Node's own fetch, uploading 50 MB past a 1 KiB limit, lost it one time in
// ten, and nine in ten when streaming). So the close takes two steps, as servers have
// long done it ("lingering close"): the response goes out with the end of the stream,
// then what the client still sends is read and dropped until it stops, for a while.

import type { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'

/** How long the rest of an upload is read and dropped before the connection is cut. */
export const LINGER_MS = 5000

/**
 * Makes Node's close of the connection, once the response to `incoming` is out, a
 * lingering one, kept in `lingering` meanwhile (the server's close() cuts them). A
 * request stream already destroyed reads nothing more: the client then has the same
 * while to read the answer.
 */
export function closeLingering(incoming: IncomingMessage, socket: Socket, lingering: Set<Socket>): void {
  // Node ends a response whose connection closes with `socket.destroySoon()`, which
  // closes once the answer is out: right when nothing of the upload is left unread.
  socket.destroySoon = function lingeringClose(this: Socket) {
    const close = () => Socket.prototype.destroySoon.call(this)
    if (incoming.complete) return close()
    const timer = setTimeout(() => this.destroy(), LINGER_MS)
    lingering.add(this)
    this.once('close', () => {
      clearTimeout(timer)
      lingering.delete(this)
    })
    // The upload is over, or the client closed its side.
    incoming.once('end', close)
    this.once('end', close)
    this.end()
    incoming.resume()
  }
}
