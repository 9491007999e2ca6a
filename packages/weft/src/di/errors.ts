// Every error weftjs/di throws: a stable `code` to branch on, and a message that names the
// module and provider involved and says what to change.

export type DiErrorCode =
  | 'WEFT_DI_MISSING_PROVIDER'
  | 'WEFT_DI_NOT_VISIBLE'
  | 'WEFT_DI_CYCLE'
  | 'WEFT_DI_SCOPE'
  | 'WEFT_DI_NO_CONTEXT'
  | 'WEFT_DI_NOT_READY'
  | 'WEFT_DI_ASYNC_NOT_READY'
  | 'WEFT_DI_ASYNC_FACTORY'
  | 'WEFT_DI_BAD_PROVIDER'
  | 'WEFT_DI_BAD_EXPORT'
  | 'WEFT_DI_BAD_OVERRIDE'
  | 'WEFT_DI_BAD_CONTROLLER'
  | 'WEFT_DI_INIT_FAILED'
  | 'WEFT_DI_DUPLICATE_PROVIDER'

export class DiError extends Error {
  readonly code: DiErrorCode

  constructor(code: DiErrorCode, message: string, options?: { cause?: unknown }) {
    // The code leads the message so a log line or a stack trace shows it first.
    super(`${code}: ${message}`, options)
    this.name = 'DiError'
    this.code = code
  }
}

/** `A -> B -> C`: how chains of providers read in messages. */
export function formatChain(names: readonly string[]): string {
  return names.join(' -> ')
}
