// Methods: `live.method(name, { args, result }, (conn, args) => value)`, remote calls over
// the realtime socket. Each call answers `result`, then `updated` once the writes it made
// have reached the caller's subscriptions (the live query hub's write fence), so a client
// drops its optimistic copy exactly when the real data is there.
//
// The client chooses the call's id; a call retried with the same id (after a reconnect, say)
// does not run twice: the answer is remembered for a while, per user, in bounded memory,
// and in the broker when it can (so a retry on another instance finds it too).
import { HttpError } from '../http/errors.js'
import type { StandardSchemaV1 } from '../schema/standard.js'
import { errorFrame } from '../shared/realtime-protocol.js'
import { callError, validateArgs } from './call-errors.js'
import { withCallScope } from './call-scope.js'
import type { Connection } from './connection.js'
import { checkName } from './publications.js'
import type { SharedAnswers } from './shared-answers.js'

/** What a method tells the typed client: the arguments it takes and what it answers. */
export interface MethodType<Args, Result> {
  args: Args
  result: Result
}

export interface MethodOptions<
  Args extends StandardSchemaV1 | undefined,
  Result extends StandardSchemaV1 | undefined,
> {
  /** Validates the arguments: invalid ones answer a 422 error listing the issues. */
  args?: Args
  /** Validates (and types) the answer: one that fails is a server error (500). */
  result?: Result
}

export interface DeclaredMethod<User = unknown> {
  name: string
  args: StandardSchemaV1 | undefined
  result: StandardSchemaV1 | undefined
  run(conn: Connection<User>, args: any): unknown
}

export interface MethodLimits {
  /** Call ids remembered for idempotent retries. Default 10 000 (the oldest are forgotten first). */
  rememberedCalls: number
  /** How long an answer is remembered for a retry, in ms. Default 2 minutes. */
  rememberFor: number
}

/** A call's answer, kept for a retry of the same id. */
interface Answer {
  frame: string
  at: number
}

export class MethodRegistry<User> {
  readonly declared = new Map<string, DeclaredMethod<User>>()
  /** Answers (or calls still running) by user and call id, oldest first. */
  private readonly recent = new Map<string, Promise<Answer>>()

  constructor(
    private readonly limits: MethodLimits,
    private readonly dev: boolean | undefined,
    private readonly logError: (error: unknown, method: string) => void,
    /** Answers remembered for every instance, when the broker can. */
    private readonly shared?: SharedAnswers,
  ) {}

  declare(method: DeclaredMethod<User>): void {
    checkName('method', method.name, this.declared)
    this.declared.set(method.name, method)
  }

  /** Runs a call (or finds the answer of an earlier one with its id) and returns its `result` frame. */
  call(conn: Connection<User>, id: string, name: string, args: unknown): Promise<Answer> {
    const key = `${callerKey(conn)}\u0000${id}`
    this.forgetOld()
    const known = this.recent.get(key)
    if (known) return known
    const run = () => this.run(conn, id, name, args)
    const frame = this.shared ? this.shared.once(key, run) : run()
    const answer = track(frame.then((frame) => ({ frame, at: Date.now() })))
    this.recent.set(key, answer)
    while (this.recent.size > this.limits.rememberedCalls) {
      this.recent.delete(this.recent.keys().next().value as string)
    }
    return answer
  }

  private async run(conn: Connection<User>, id: string, name: string, args: unknown): Promise<string> {
    const method = this.declared.get(name)
    if (!method) {
      const error = errorFrame(404, 'WEFT_NO_SUCH_METHOD', `No method "${name}"`, { id })
      return JSON.stringify({ msg: 'result', id, error })
    }
    try {
      const valid = await validateArgs(method.args, args, name)
      const value = await withCallScope(conn, { method: name, args: valid }, (view) =>
        method.run(view, valid),
      )
      const result = await this.checkResult(method, value)
      return JSON.stringify(result === undefined ? { msg: 'result', id } : { msg: 'result', id, result })
    } catch (error) {
      if (!(error instanceof HttpError) || error.status >= 500) this.logError(error, name)
      return JSON.stringify({ msg: 'result', id, error: callError(error, this.dev, id) })
    }
  }

  private async checkResult(method: DeclaredMethod<User>, value: unknown): Promise<unknown> {
    if (!method.result) return value
    const result = await method.result['~standard'].validate(value)
    if (!result.issues) return result.value
    throw new Error(`WEFT_INVALID_RESULT: the answer of "${method.name}" fails its result schema`)
  }

  /** Drops answers past their time; the map is in insertion order, so the old ones are first. */
  private forgetOld(): void {
    const horizon = Date.now() - this.limits.rememberFor
    for (const [key, answer] of this.recent) {
      const settled = settledAt.get(answer)
      if (settled === undefined || settled > horizon) break
      this.recent.delete(key)
    }
  }
}

/** When each remembered answer settled (set as it settles, read without awaiting). */
const settledAt = new WeakMap<Promise<Answer>, number>()

/** Marks when an answer settled, so forgetting old answers never waits on a running call. */
function track(answer: Promise<Answer>): Promise<Answer> {
  answer.then((settled) => settledAt.set(answer, settled.at))
  return answer
}

/** Whose retries a call id counts among: the user's id when there is one, else the id alone. */
function callerKey(conn: Connection<any>): string {
  const id = (conn.user as { id?: unknown } | undefined)?.id
  return typeof id === 'string' || typeof id === 'number' ? `u:${id}` : 'anonymous'
}
