// Publications: `live.publish(name, { args }, (conn, args) => cursor)`. A declaration is a
// name, a Standard Schema for its arguments and a function returning one or more
// `weftjs/data` cursors; the live query engine keeps each subscriber's documents exact.
import type { Cursor } from '../data/cursor.js'
import type { StandardSchemaV1 } from '../schema/standard.js'
import type { Connection } from './connection.js'

/** What a publication tells the typed client: the arguments it takes and the documents it sends. */
export interface PublicationType<Args, Doc> {
  args: Args
  doc: Doc
}

export type PublicationResult<Doc> = Cursor<Doc> | readonly Cursor<any>[]

export interface PublicationOptions<Args extends StandardSchemaV1 | undefined> {
  /** Validates the subscriber's arguments: invalid ones answer `nosub` with a 422 error. */
  args?: Args
  /**
   * Whether the server keeps what each client holds of this publication's documents, to
   * send a field value another subscription already sent as a reference. Default true;
   * false saves that memory where documents are many and not shared between subscriptions.
   */
  mergebox?: boolean
}

export type PublicationHandler<User, Args, Result> = (
  conn: Connection<User>,
  args: Args,
) => Result | Promise<Result>

export interface DeclaredPublication<User = unknown> {
  name: string
  args: StandardSchemaV1 | undefined
  mergebox: boolean
  run: PublicationHandler<User, any, PublicationResult<unknown>>
}

/** The argument type a schema (or its absence) gives a handler and the client. */
export type ArgsOf<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : Record<string, never>

/** The document type of what a handler returns: a cursor's, or the union of a list's. */
export type DocOf<R> =
  R extends Cursor<infer D>
    ? D
    : R extends readonly (infer C)[]
      ? C extends Cursor<infer D>
        ? D
        : unknown
      : unknown

/** Publication and method names share the protocol's name syntax. */
const NAME = /^[A-Za-z0-9_\-.:/@~]{1,200}$/

export function checkName(kind: string, name: string, taken: Map<string, unknown>): void {
  if (!NAME.test(name))
    throw new TypeError(`WEFT_BAD_NAME: ${kind} names are 1-200 letters, digits or _-.:/@~, got "${name}"`)
  if (taken.has(name)) throw new TypeError(`WEFT_BAD_NAME: the ${kind} "${name}" is declared twice`)
}

export class PublicationRegistry<User> {
  readonly declared = new Map<string, DeclaredPublication<User>>()

  declare(publication: DeclaredPublication<User>): void {
    checkName('publication', publication.name, this.declared)
    this.declared.set(publication.name, publication)
  }

  get(name: string): DeclaredPublication<User> | undefined {
    return this.declared.get(name)
  }
}
