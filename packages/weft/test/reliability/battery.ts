import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { get, type Target } from '../conformance/client.ts'
import { type RunningServer, startServer } from '../conformance/process.ts'
import type { Runtime } from '../runtimes/runtimes.mjs'

const packageDir = fileURLToPath(new URL('../..', import.meta.url))

/**
 * One bad input. `run` sends it and returns the answer it saw, in a few words for the
 * table; it throws when the answer is not the expected one. `full` marks the heavy forms
 * that only `npm run reliability` sends; `npm test` sends the rest.
 */
export interface BatteryCase {
  group: string
  name: string
  expected: string
  run(target: Target, scale: Scale): Promise<string>
}

/** How hard a case pushes: `npm test` uses the bounded scale, `npm run reliability` the full one. */
export interface Scale {
  full: boolean
  /** Idle keep-alive sockets and slowloris connections. */
  sockets: number
}

export const bounded: Scale = { full: false, sockets: 100 }
export const full: Scale = { full: true, sockets: 2000 }

export interface BatteryRow {
  runtime: string
  group: string
  name: string
  expected: string
  answer: string
  survived: boolean
  rssBefore: number
  rssAfter: number
  error?: string
}

/** Raw bytes in, the first status line out; the server closes or `waitMs` passes. */
export function sendRaw(target: Target, payload: string | Buffer, waitMs = 3000) {
  return new Promise<{ status: number; text: string; closed: boolean }>((resolve, reject) => {
    const socket = connect(target.port, '127.0.0.1')
    let text = ''
    let closed = false
    const timer = setTimeout(() => socket.destroy(), waitMs)
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1')
    })
    socket.on('end', () => {
      closed = true
    })
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' || error.code === 'EPIPE' ? (closed = true) : reject(error),
    )
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text, closed })
    })
    socket.write(payload)
  })
}

/** The `code` of a problem+json answer in raw HTTP output, if any. */
export function codeOf(text: string): string | undefined {
  return /"code":"(WEFT_[A-Z_]+)"/.exec(text)?.[1]
}

/** "400 WEFT_X" / "431" / "closed, no answer": the few words the table shows. */
export function describeAnswer(status: number, text: string): string {
  if (status === 0) return 'closed, no answer'
  const code = codeOf(text)
  return code ? `${status} ${code}` : String(status)
}

/** A status (and code) the case accepts; runtimes refuse malformed requests in their own words. */
export function expectStatus(answer: { status: number; text: string }, allowed: number[], what: string) {
  assert.ok(
    allowed.includes(answer.status),
    `${what}: expected ${allowed.join(' or ')}, got ${answer.status}\n${answer.text.slice(0, 300)}`,
  )
  return describeAnswer(answer.status, answer.text)
}

export async function rssOf(target: Target): Promise<number> {
  const res = await fetch(`${target.url}/__rss`)
  return ((await res.json()) as { rss: number }).rss
}

/** The process is still running and a well-behaved client gets its answer. */
export async function stillServes(server: RunningServer): Promise<boolean> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return false
  const answer = await Promise.race([
    get(server.port, '/ok').catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(resolve, 5000)),
  ])
  return answer?.status === 200 && answer.body === 'ok'
}

/** The battery app under `runtime`; Deno may also read the package, where weftjs/data loads its stores from. */
export function startBatteryServer(runtime: Runtime): Promise<RunningServer> {
  const args =
    runtime.name === 'deno' ? [...(runtime.args ?? []), `--allow-read=${packageDir}`] : runtime.args
  return startServer({ ...runtime, args }, '../reliability/battery-main.ts')
}

/** Runs every case against one server under `runtime`; restarts it if a case brought it down. */
export async function runBattery(
  runtime: Runtime,
  cases: BatteryCase[],
  scale: Scale,
  onRow: (row: BatteryRow) => void = () => {},
): Promise<BatteryRow[]> {
  const rows: BatteryRow[] = []
  let server = await startBatteryServer(runtime)
  try {
    for (const c of cases) {
      const target: Target = { url: server.url, port: server.port, runtime: runtime.name }
      const rssBefore = await rssOf(target)
      let answer = ''
      let error: string | undefined
      try {
        answer = await c.run(target, scale)
      } catch (caught) {
        error =
          caught instanceof Error
            ? `${caught.message} ${(caught as { cause?: unknown }).cause ?? ''}`
            : String(caught)
        answer = 'unexpected'
      }
      const survived = await stillServes(server)
      const rssAfter = survived ? await rssOf(target).catch(() => 0) : 0
      const row = {
        runtime: runtime.name,
        group: c.group,
        name: c.name,
        expected: c.expected,
        answer,
        survived,
        rssBefore,
        rssAfter,
        error,
      }
      rows.push(row)
      onRow(row)
      if (!survived) {
        await server.stop()
        server = await startBatteryServer(runtime)
      }
    }
  } finally {
    await server.stop()
  }
  return rows
}

/** A request through fetch; the answer as status and problem code. */
export async function ask(target: Target, path: string, init?: RequestInit) {
  const res = await fetch(`${target.url}${path}`, init)
  const text = await res.text()
  return { status: res.status, text, code: codeOf(text) }
}

/** POST `body` as JSON text (already serialised, so it can be anything). */
export function postJson(target: Target, path: string, body: string | Uint8Array<ArrayBuffer>) {
  return ask(target, path, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
}

/** Asserts status and code; returns "400 WEFT_X" for the table. */
export function expectAnswer(
  answer: { status: number; code?: string; text: string },
  status: number,
  code?: string,
) {
  assert.equal(answer.status, status, answer.text.slice(0, 300))
  if (code) assert.equal(answer.code, code, answer.text.slice(0, 300))
  return code ? `${status} ${code}` : String(status)
}
