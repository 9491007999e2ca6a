import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Weft } from '../../http/app.js'
import { isFieldValue } from '../../http/header-check.js'
import type { ErrorCode } from '../../shared/error-codes.js'
import { PROBLEM_JSON } from '../last-resort.js'
import type { ServeOptions, Server } from '../server.js'
import { serverUrl } from '../server-url.js'
import { NodeContext } from './context.js'
import { closeLingering } from './linger.js'
import { attachWebSockets } from './websocket.js'
import { writeResponse } from './write.js'

/** Serves an app with `node:http`, every limit from `app.limits` set on the server. */
export async function serveNode(app: Weft<any>, options: ServeOptions = {}): Promise<Server> {
  const { limits } = app
  const server = createServer(
    {
      maxHeaderSize: limits.headerSize,
      requestTimeout: limits.requestTimeout,
      headersTimeout: limits.headersTimeout,
      keepAliveTimeout: limits.keepAliveTimeout,
      // Node checks the timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeout),
      noDelay: true,
    },
    (incoming, outgoing) => handleNode(app, incoming, outgoing, requests),
  )
  server.on('clientError', answerClientError)
  let onIdle: (() => void) | null = null
  const requests: InFlight = {
    count: 0,
    lingering: new Set(),
    done: () => {
      if (--requests.count === 0 && onIdle) onIdle()
    },
  }

  const closeSockets = app.webSocketRoutes().length ? await attachWebSockets(app, server) : null
  const close = async (): Promise<void> => {
    if (!server.listening) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    await closeSockets?.()
    // New requests on kept-alive sockets get `connection: close`; idle sockets go now.
    server.closeIdleConnections()
    if (requests.count > 0) await new Promise<void>((resolve) => (onIdle = resolve))
    server.closeIdleConnections()
    for (const socket of requests.lingering) socket.destroy()
    await closed
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    const hostname = options.hostname ?? '127.0.0.1'
    server.listen(options.port ?? 3000, hostname, () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      resolve({ port, url: serverUrl(hostname, port), close, runtime: 'node' })
    })
  })
}

/**
 * Requests between arriving and their response's 'close': what close() waits for; and
 * connections lingering after an early answer (see linger.ts): what it then cuts.
 */
interface InFlight {
  count: number
  done: () => void
  lingering: Set<Socket>
}

/**
 * The Node adapter: translates the request in (a lazy NodeContext), runs the app's one
 * lifecycle (`app.handle`), writes the response out. A WebSocket upgrade never comes
 * here: Node emits it as the server's 'upgrade' event (adapters/node/websocket.ts).
 */
function handleNode(
  app: Weft<any>,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  requests: InFlight,
): void {
  const ctx = new NodeContext(incoming, outgoing, app.limits.bodySize)
  const head = incoming.method === 'HEAD'
  requests.count++
  const pending = app.handle(ctx)
  // Once the response is sent or the client leaves, the request no longer holds up
  // close() and its scope ends. One listener for both: 'close' fires once.
  const scope = ctx.scope
  outgoing.on(
    'close',
    scope
      ? () => {
          requests.done()
          ctx.finish()
        }
      : requests.done,
  )
  if (pending)
    pending.then(
      () => finish(app, ctx, head, requests.lingering),
      (error) => fail(app, ctx, error),
    )
  else finish(app, ctx, head, requests.lingering)
}

function finish(app: Weft<any>, ctx: NodeContext, head: boolean, lingering: Set<Socket>): void {
  // Express middleware run through weftjs/express may have answered on the socket itself.
  if (ctx.outgoing.writableEnded) return
  try {
    // An answer sent before the body was read (a 413, say) closes the connection, or
    // Node would read the whole rest of the upload to reuse it.
    if (!ctx.incoming.complete && declaresBody(ctx.incoming)) {
      ctx.res.headers.connection = 'close'
      if (ctx.outgoing.socket) closeLingering(ctx.incoming, ctx.outgoing.socket, lingering)
    }
    const pending = writeResponse(ctx.res, ctx.outgoing, head, app.limits.sendTimeout)
    if (pending) pending.catch((error) => fail(app, ctx, error))
  } catch (error) {
    fail(app, ctx, error)
  }
}

function declaresBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers['content-length']
  return (length !== undefined && length !== '0') || incoming.headers['transfer-encoding'] !== undefined
}

/**
 * The last resort: the response could not be written (Node refused a header a middleware
 * put straight into `ctx.res.headers`, say); log, answer 500 if still possible, keeping
 * the cookies already set.
 */
function fail(app: Weft<any>, ctx: NodeContext, error: unknown): void {
  app.logger.error({ err: String(error), method: ctx.method, path: ctx.path }, 'response failed')
  const out = ctx.outgoing
  if (out.headersSent) return void out.destroy()
  const code = (error as { code?: unknown }).code
  const badHeader = code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN'
  const cookies = [ctx.res.headers['set-cookie'] ?? []].flat().filter(isFieldValue)
  for (const name of out.getHeaderNames()) out.removeHeader(name)
  const body = JSON.stringify({
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    code: badHeader ? 'WEFT_HEADER_INJECTION' : 'WEFT_RESPONSE_FAILED',
  })
  // The reason phrase too: writeHead keeps the one the failed call set ("OK").
  out.writeHead(500, 'Internal Server Error', {
    'content-type': PROBLEM_JSON,
    'content-length': String(body.length),
    ...(cookies.length > 0 && { 'set-cookie': cookies }),
  })
  out.end(body)
}

/** What Node itself answers for a request it cannot parse, by its error code; anything else is a 400. */
const CLIENT_ERRORS: Record<string, [number, string, ErrorCode]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'WEFT_HEADERS_TOO_LARGE'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Content Too Large', 'WEFT_BODY_TOO_LARGE'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'WEFT_REQUEST_TIMEOUT'],
}

/**
 * Node answers requests it cannot parse (a head past `maxHeaderSize`, a timeout) before
 * any request exists, with a bare status line. This answers them as Node would, but with
 * the problem document every other error has.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as { _httpMessage?: ServerResponse })._httpMessage
  if (socket.writable && !inFlight?.headersSent) {
    const [status, title, code] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request', 'WEFT_BAD_REQUEST']
    const body = JSON.stringify({ type: 'about:blank', title, status, code })
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\ncontent-type: ${PROBLEM_JSON}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}
