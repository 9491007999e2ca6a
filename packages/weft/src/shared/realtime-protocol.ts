// The realtime protocol, version 1 (docs/protocol.md): frames, codes and their encoding.
// Pure, importing only the neutral layer: shared by the server (weftjs/realtime) and the client
// (weftjs/client), which must not depend on each other.
import { inspectParsed, mayNeedInspection, untrusted } from './untrusted.js'

export const PROTOCOL_VERSION = '1'
/** The subprotocol a client offers and the server selects. */
export const SUBPROTOCOL = 'weft.v1'
/** A client may offer `weft.token.<token>` to authenticate; it is never selected. */
export const TOKEN_PROTOCOL_PREFIX = 'weft.token.'

/** Close codes of the realtime protocol, beside the WebSocket ones (1000-1011). */
export const RealtimeCloseCode = {
  versionMismatch: 4000,
  unauthenticated: 4001,
  connectFirst: 4002,
  slowConsumer: 4008,
} as const

/** What a channel declaration tells the typed client: what it may send, what it receives. */
export interface ChannelType<Send, Receive> {
  send: Send
  receive: Receive
}

export interface PresenceMeta {
  /** The connection the entry belongs to. */
  ref: string
  [field: string]: unknown
}

/** Presence of a channel: every key with the metas of its connections. */
export type PresenceState = Record<string, PresenceMeta[]>

export type ClientFrame =
  | { msg: 'connect'; version: string; support: string[] }
  | { msg: 'ping'; id?: string }
  | { msg: 'pong'; id?: string }
  | { msg: 'join'; id: string; channel: string; since?: { epoch: string; seq: number } }
  | { msg: 'leave'; id: string; channel: string }
  | { msg: 'publish'; id?: string; channel: string; data: unknown }
  | { msg: 'auth'; id: string; token: string }
  | SubFrame
  | { msg: 'unsub'; id: string }
  | { msg: 'method'; id: string; name: string; args: unknown }

/** Subscribes to a publication; `resume` holds what the client still has (see resumeDigest). */
export interface SubFrame {
  msg: 'sub'
  id: string
  name: string
  args: unknown
  resume?: Record<string, string>
}

export interface ErrorFrame {
  msg: 'error'
  id?: string
  channel?: string
  status: number
  code: string
  title: string
  detail?: string
  issues?: { path: string; message: string }[]
}

export type ServerFrame =
  | { msg: 'connected'; session: string; version: string; limits: { maxMessage: number; channels: number } }
  | { msg: 'failed'; version: string }
  | { msg: 'ping'; id?: string }
  | { msg: 'pong'; id?: string }
  | { msg: 'joined'; id: string; channel: string; epoch: string; seq: number }
  | { msg: 'left'; id?: string; channel: string }
  | { msg: 'resync'; channel: string; epoch: string; seq: number }
  | { msg: 'message'; channel: string; seq: number; data: unknown }
  | { msg: 'presence'; channel: string; state: PresenceState }
  | { msg: 'presence'; channel: string; joins: PresenceState; leaves: PresenceState }
  | { msg: 'reauth'; deadline: number }
  | { msg: 'authed'; id: string; expiresAt?: number }
  | ErrorFrame
  | LiveDataFrame
  | { msg: 'ready'; sub: string; seq: number }
  | { msg: 'nosub'; sub: string; seq: number; error?: ErrorFrame }
  | { msg: 'resync'; sub: string; seq: number }
  | { msg: 'result'; id: string; result?: unknown; error?: ErrorFrame }
  | { msg: 'updated'; methods: string[] }

/** A change to one subscription's documents; `id` is the document's `_id`. */
export type LiveDataFrame =
  | {
      msg: 'added'
      sub: string
      seq: number
      collection: string
      id: unknown
      fields: Record<string, unknown>
      /** Fields whose value the client copies from the named subscription's copy of the document. */
      shared?: Record<string, string>
      before?: unknown
    }
  | {
      msg: 'changed'
      sub: string
      seq: number
      collection: string
      id: unknown
      fields: Record<string, unknown>
      cleared: string[]
      shared?: Record<string, string>
    }
  | { msg: 'removed'; sub: string; seq: number; collection: string; id: unknown }

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
}

/** An error frame, problem-shaped (RFC 9457 fields plus the request it answers). */
export function errorFrame(
  status: number,
  code: string,
  detail: string | undefined,
  about: { id?: string; channel?: string; issues?: ErrorFrame['issues'] } = {},
): ErrorFrame {
  const frame: ErrorFrame = { msg: 'error', status, code, title: TITLES[status] ?? 'Error' }
  if (about.id !== undefined) frame.id = about.id
  if (about.channel !== undefined) frame.channel = about.channel
  if (detail !== undefined) frame.detail = detail
  if (about.issues) frame.issues = about.issues
  return frame
}

/** Channel names: what a pattern segment may hold, and no longer than 200 characters. */
const CHANNEL_NAME = /^[A-Za-z0-9_\-.:@~]+(\/[A-Za-z0-9_\-.:@~]+)*$/

export function isChannelName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 200 && CHANNEL_NAME.test(value)
}

type Parsed = { frame: ClientFrame; error?: undefined } | { error: ErrorFrame; frame?: undefined }

const bad = (detail: string, id?: unknown): Parsed => ({
  error: errorFrame(400, 'WEFT_BAD_FRAME', detail, typeof id === 'string' ? { id } : {}),
})

/** Parses and checks one client frame; a frame that is not valid answers an error frame. */
export function parseClientFrame(text: string): Parsed {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return bad('A frame is one JSON object')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return bad('A frame is one JSON object')
  // As for HTTP bodies: arguments and messages holding a `$` key are marked, so weftjs/data
  // refuses them as query operators, and poisoning keys are refused outright.
  if (mayNeedInspection(text)) {
    const found = inspectParsed(value)
    if (found.forbidden)
      return bad(`The frame holds a forbidden "${found.forbidden}" key`, (value as { id?: unknown }).id)
    if (found.dollar) untrusted(value)
  }
  const frame = value as Record<string, unknown>
  const { msg, id } = frame
  if (id !== undefined && typeof id !== 'string') return bad('"id" is a string')
  switch (msg) {
    case 'connect':
      if (typeof frame.version !== 'string') return bad('"connect" needs a "version"')
      if (frame.support !== undefined && !isStringArray(frame.support)) return bad('"support" lists versions')
      return {
        frame: { msg, version: frame.version, support: (frame.support as string[]) ?? [frame.version] },
      }
    case 'ping':
    case 'pong':
      return { frame: { msg, id: id as string | undefined } }
    case 'join':
    case 'leave':
      if (typeof id !== 'string') return bad(`"${msg}" needs an "id"`)
      if (!isChannelName(frame.channel)) return bad('"channel" is not a valid channel name', id)
      if (msg === 'join' && frame.since !== undefined && !isPosition(frame.since))
        return bad('"since" is {"epoch": string, "seq": a whole number ≥ 0}', id)
      return { frame: frame as ClientFrame }
    case 'publish':
      if (!isChannelName(frame.channel)) return bad('"channel" is not a valid channel name', id)
      if (!('data' in frame)) return bad('"publish" needs "data"', id)
      return { frame: frame as ClientFrame }
    case 'auth':
      if (typeof id !== 'string' || typeof frame.token !== 'string')
        return bad('"auth" needs an "id" and a "token"', id)
      return { frame: frame as ClientFrame }
    case 'sub':
    case 'unsub':
    case 'method':
      return parseLiveFrame(frame, msg)
    default:
      return {
        error: errorFrame(
          400,
          'WEFT_UNKNOWN_FRAME',
          `Unknown frame "${String(msg)}"`,
          typeof id === 'string' ? { id } : {},
        ),
      }
  }
}

function isPosition(value: unknown): value is { epoch: string; seq: number } {
  const { epoch, seq } = (value ?? {}) as Record<string, unknown>
  return (
    typeof value === 'object' &&
    typeof epoch === 'string' &&
    Number.isSafeInteger(seq) &&
    (seq as number) >= 0
  )
}

const NAME = /^[A-Za-z0-9_\-.:/@~]{1,200}$/
/** Ids the client chooses (subscriptions, method calls): short, printable. */
const REQUEST_ID = /^[A-Za-z0-9_\-.:~]{1,64}$/

function parseLiveFrame(frame: Record<string, unknown>, msg: 'sub' | 'unsub' | 'method'): Parsed {
  const { id } = frame
  if (typeof id !== 'string' || !REQUEST_ID.test(id))
    return bad(`"${msg}" needs an "id" of 1 to 64 letters, digits or _-.:~`, id)
  if (msg === 'unsub') return { frame: { msg, id } }
  if (typeof frame.name !== 'string' || !NAME.test(frame.name)) return bad(`"${msg}" needs a "name"`, id)
  const args = frame.args === undefined ? {} : frame.args
  if (msg === 'method') return { frame: { msg, id, name: frame.name, args } }
  const { resume } = frame
  if (resume !== undefined && !isDigestMap(resume)) return bad('"resume" maps document keys to digests', id)
  return { frame: { msg, id, name: frame.name, args, ...(resume === undefined ? {} : { resume }) } }
}

function isDigestMap(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return false
  return true
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

/**
 * The start of a channel's message frames, computed once per channel: a message is then
 * `head + seq + ',"data":' + json + '}'`, so the data is serialised once per broadcast.
 */
export function messageHead(channel: string): string {
  return `{"msg":"message","channel":${JSON.stringify(channel)},"seq":`
}

export function messageFrame(head: string, seq: number, dataJson: string): string {
  return `${head}${seq},"data":${dataJson}}`
}

/** The token a client offers as a subprotocol, base64url so any token is a valid protocol name. */
export function tokenProtocol(token: string): string {
  const bytes = new TextEncoder().encode(token)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return TOKEN_PROTOCOL_PREFIX + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The token in an offered `weft.token.<base64url>` subprotocol, or undefined. */
export function tokenFromProtocols(offered: string[]): string | undefined {
  const protocol = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))
  if (!protocol) return undefined
  try {
    const binary = atob(protocol.slice(TOKEN_PROTOCOL_PREFIX.length).replace(/-/g, '+').replace(/_/g, '/'))
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
  } catch {
    return undefined
  }
}
